import { readFile, writeFile } from 'node:fs/promises';
import { spawn, spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ANY_OWNER } from '@headway/core';
import { FileEventLog, FileTaskStore, StoreLockedError } from '../src/index.js';
import { spawnFixture, taskRecord, tempDir } from './helpers.js';

describe('one writer per directory', () => {
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await cleanup?.();
    cleanup = undefined;
  });

  it('refuses a second opener in the same process, naming the directory and pid', async () => {
    const tmp = await tempDir();
    cleanup = tmp.cleanup;
    const first = await FileTaskStore.open(tmp.dir);
    try {
      const error = await FileTaskStore.open(tmp.dir).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreLockedError);
      expect((error as Error).message).toContain(tmp.dir);
      expect((error as Error).message).toContain(`pid ${process.pid}`);
      expect((error as StoreLockedError).code).toBe('store_locked');
    } finally {
      await first.close();
    }
    // Released on close.
    const again = await FileTaskStore.open(tmp.dir);
    await again.close();
  });

  it('refuses while another live process holds it, then recovers the lock once that process is SIGKILLed', async () => {
    const tmp = await tempDir();
    cleanup = tmp.cleanup;
    const child = spawnFixture('hold-lock.mjs', [tmp.dir]);
    try {
      await child.waitFor((l) => l.startsWith('READY'));
      const error = (await FileTaskStore.open(tmp.dir).catch((e: unknown) => e)) as StoreLockedError;
      expect(error).toBeInstanceOf(StoreLockedError);
      expect(error.pid).toBe(child.proc.pid);
      expect(error.message).toContain(tmp.dir);
      expect(error.message).toContain(`pid ${child.proc.pid}`);
    } finally {
      await child.kill();
    }
    // The lock file is still there, but its holder is dead: it is stale and is taken over.
    expect(JSON.parse(await readFile(join(tmp.dir, 'LOCK'), 'utf8')).pid).toBe(child.proc.pid);
    const store = await FileTaskStore.open(tmp.dir);
    expect(JSON.parse(await readFile(join(tmp.dir, 'LOCK'), 'utf8')).pid).toBe(process.pid);
    await store.close();
  });

  it('recovers a stale lock whose pid now belongs to another process (pid reuse)', async () => {
    const tmp = await tempDir();
    cleanup = tmp.cleanup;
    // Our own (live) pid, but a start time that is not ours: a previous holder whose pid was reused.
    await writeFile(join(tmp.dir, 'LOCK'), JSON.stringify({ pid: process.pid, hostname: hostname(), acquiredAt: 1, procStart: '1' }));
    const store = await FileTaskStore.open(tmp.dir);
    await store.close();
  });

  it.skipIf(process.platform !== 'linux')('recovers a lock of a killed process its parent has not reaped yet (a zombie)', async () => {
    const tmp = await tempDir();
    cleanup = tmp.cleanup;
    // sh starts a child that exits at once, prints its pid and becomes `sleep`, which never reaps it.
    const parent = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const pid = Number(await new Promise<string>((resolve) => parent.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString()))));
      const state = async () => (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]![0];
      for (let waited = 0; (await state()) !== 'Z' && waited < 5_000; waited += 20) await new Promise((r) => setTimeout(r, 20));
      expect(await state()).toBe('Z');
      // Signal 0 still reaches it: only its state tells that it holds nothing any more.
      expect(() => process.kill(pid, 0)).not.toThrow();
      await writeFile(join(tmp.dir, 'LOCK'), JSON.stringify({ pid, hostname: hostname(), acquiredAt: 1 }));
      const store = await FileTaskStore.open(tmp.dir);
      expect(JSON.parse(await readFile(join(tmp.dir, 'LOCK'), 'utf8')).pid).toBe(process.pid);
      await store.close();
    } finally {
      parent.kill('SIGKILL');
    }
  });

  it('recovers a stale lock of an exited process and an empty lock left mid-creation', async () => {
    const tmp = await tempDir();
    cleanup = tmp.cleanup;
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    await writeFile(join(tmp.dir, 'LOCK'), JSON.stringify({ pid: Number(dead.stdout), hostname: hostname(), acquiredAt: 1 }));
    const store = await FileTaskStore.open(tmp.dir);
    await store.create(taskRecord('a', store.nextSeq()));
    await store.close();
    await writeFile(join(tmp.dir, 'LOCK'), '');
    const old = new Date(Date.now() - 60_000);
    const { utimes } = await import('node:fs/promises');
    await utimes(join(tmp.dir, 'LOCK'), old, old);
    const again = await FileTaskStore.open(tmp.dir);
    expect(await again.get('a', ANY_OWNER)).toBeDefined();
    await again.close();
  });

  it('treats a lock held from another host as live', async () => {
    const tmp = await tempDir();
    cleanup = tmp.cleanup;
    await writeFile(join(tmp.dir, 'LOCK'), JSON.stringify({ pid: 1, hostname: 'elsewhere.example', acquiredAt: 1 }));
    await expect(FileTaskStore.open(tmp.dir)).rejects.toThrow(/locked by pid 1 on elsewhere\.example/);
  });

  it('concurrent openers of a stale lock: exactly one wins', async () => {
    const tmp = await tempDir();
    cleanup = tmp.cleanup;
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    await writeFile(join(tmp.dir, 'LOCK'), JSON.stringify({ pid: Number(dead.stdout), hostname: hostname(), acquiredAt: 1 }));
    const children = [0, 1, 2].map(() => spawnFixture('hold-lock.mjs', [tmp.dir]));
    try {
      // Each child either holds the lock (READY) or exits with the lock error.
      const outcomes = await Promise.all(
        children.map((c) =>
          c.waitFor((l) => l.startsWith('READY')).then(() => 'won', () => 'lost'),
        ),
      );
      expect(outcomes.filter((o) => o === 'won')).toHaveLength(1);
      const losers = children.filter((_, i) => outcomes[i] === 'lost');
      for (const c of losers) expect(c.stderr.join('')).toMatch(/is locked by pid/);
    } finally {
      await Promise.all(children.map((c) => c.kill()));
    }
  });

  it('the event log has its own lock', async () => {
    const tmp = await tempDir();
    cleanup = tmp.cleanup;
    const child = spawnFixture('hold-lock.mjs', [tmp.dir, 'events']);
    try {
      await child.waitFor((l) => l.startsWith('READY'));
      await expect(FileEventLog.open(tmp.dir)).rejects.toThrow(new RegExp(`locked by pid ${child.proc.pid}`));
      // A task store may share the directory.
      const store = await FileTaskStore.open(tmp.dir);
      await store.close();
    } finally {
      await child.kill();
    }
    const log = await FileEventLog.open(tmp.dir);
    await log.close();
  });
});
