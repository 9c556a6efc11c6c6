import { afterEach, describe, expect, it } from 'vitest';
import { ANY_OWNER, TaskManager } from '@headway/core';
import type { TaskContext } from '@headway/core';
import { FileEventLog, FileTaskStore, readTaskHistory } from '../src/index.js';
import { spawnFixture, tempDir } from './helpers.js';

describe('TaskManager restart recovery after SIGKILL', () => {
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await cleanup?.();
    cleanup = undefined;
  });

  it('resumes resumable tasks from their last checkpoint and fails the others as interrupted', async () => {
    const tmp = await tempDir();
    cleanup = tmp.cleanup;
    const child = spawnFixture('manager-child.mjs', [tmp.dir]);
    const idOf = async (kind: string) => (await child.waitFor((l) => l.startsWith(`CREATED ${kind} `))).split(' ')[2]!;
    const counterId = await idOf('counter');
    const plainId = await idOf('plain');
    const waitingId = await idOf('waiting');
    await child.waitFor((l) => l === `STARTED ${plainId}`);
    await child.waitFor((l) => l === `CP ${counterId} 20`);
    await child.kill();
    const lastAcked = Math.max(...child.lines.filter((l) => l.startsWith(`CP ${counterId} `)).map((l) => Number(l.split(' ')[2])));

    // The event log of the killed process is readable (a torn last line would be skipped).
    const before = (await readTaskHistory(`${tmp.dir}/events`, counterId, { onWarning: () => undefined })).map((e) => e.type);
    expect(before.slice(0, 2)).toEqual(['created', 'started']);

    const resumedFrom: unknown[] = [];
    const events = await FileEventLog.open(`${tmp.dir}/events`, { onWarning: () => undefined });
    const manager = new TaskManager({ store: new FileTaskStore(tmp.dir), reporters: [events], resources: { enabled: false } });
    manager.define(
      'counter',
      async (input: { to: number }, ctx: TaskContext) => {
        resumedFrom.push(ctx.resumeFrom);
        return { resumedAt: (ctx.resumeFrom as { next: number } | undefined)?.next ?? 0, to: input.to };
      },
      { resumable: true },
    );
    manager.define('plain', async () => 'should not run again');
    try {
      await manager.start();
      const counter = await manager.wait(counterId, { owner: ANY_OWNER, timeoutMs: 10_000 });
      expect(counter.status).toBe('completed');
      const resumedAt = (counter.result as { resumedAt: number }).resumedAt;
      // At least the last acknowledged checkpoint; at most one more (written but not yet printed).
      expect(resumedAt).toBeGreaterThanOrEqual(lastAcked);
      expect(resumedAt).toBeLessThanOrEqual(lastAcked + 1);

      const plain = await manager.wait(plainId, { owner: ANY_OWNER, timeoutMs: 10_000 });
      expect(plain.status).toBe('failed');
      expect(plain.error?.code).toBe('interrupted');
      expect(plain.error?.message).toMatch(/interrupted by restart/);

      // Queued behind the interrupted task: it runs again after recovery and meets the failed dependency.
      const waiting = await manager.wait(waitingId, { owner: ANY_OWNER, timeoutMs: 10_000 });
      expect(waiting.status).toBe('failed');
      expect(waiting.error?.code).toBe('dependency_failed');
    } finally {
      await manager.shutdown({ timeoutMs: 2_000 });
    }
    const after = await readTaskHistory(`${tmp.dir}/events`, counterId);
    expect(after.filter((e) => e.type === 'started').at(-1)).toMatchObject({ resumed: true });
    expect(after.at(-1)!.type).toBe('completed');
    expect((await readTaskHistory(`${tmp.dir}/events`, plainId)).at(-1)).toMatchObject({ type: 'failed', error: { code: 'interrupted' } });
    // The outcome of recovery is itself durable.
    const store = await FileTaskStore.open(tmp.dir);
    try {
      expect((await store.get(plainId, ANY_OWNER))?.error?.code).toBe('interrupted');
      expect((await store.get(counterId, ANY_OWNER))?.status).toBe('completed');
    } finally {
      await store.close();
    }
  });
});
