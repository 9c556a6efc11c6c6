import { afterEach, describe, expect, it } from 'vitest';
import { ANY_OWNER } from '@headway/core';
import { COMPACTION_STEPS, FileTaskStore } from '../src/index.js';
import { sleep, spawnFixture, tempDir } from './helpers.js';

interface Acked {
  created: boolean;
  progress: number;
  done: boolean;
}

/** Folds ack lines into the last acknowledged state of each task. */
function collectAcks(lines: readonly string[], into: Map<string, Acked>): void {
  for (const line of lines) {
    const [kind, id, value] = line.split(' ');
    if (!id) continue;
    const acked = into.get(id) ?? { created: false, progress: 0, done: false };
    if (kind === 'C') acked.created = true;
    else if (kind === 'P') acked.progress = Math.max(acked.progress, Number(value));
    else if (kind === 'D') acked.done = true;
    else continue;
    into.set(id, acked);
  }
}

/** Opens the store and checks every acknowledged write is there; returns the store size. */
async function verify(dir: string, acks: Map<string, Acked>, warnings: string[]): Promise<number> {
  const store = await FileTaskStore.open(dir, { onWarning: (m) => warnings.push(m) });
  try {
    for (const [id, acked] of acks) {
      const record = await store.get(id, ANY_OWNER);
      expect(record, `acknowledged task ${id} is missing`).toBeDefined();
      if (acked.done) {
        expect(record!.status).toBe('completed');
        expect(record!.result).toEqual({ n: id });
      } else if (record!.status !== 'completed') {
        expect(record!.progress, `progress of ${id}`).toBeGreaterThanOrEqual(acked.progress);
        if (acked.progress > 0) expect((record!.checkpoint as { p: number }).p).toBeGreaterThanOrEqual(acked.progress);
      }
    }
    return store.size;
  } finally {
    await store.close();
  }
}

describe('SIGKILL under load', () => {
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await cleanup?.();
    cleanup = undefined;
  });

  it('keeps every acknowledged write across 25 random kills, compactions included', async () => {
    const tmp = await tempDir();
    cleanup = tmp.cleanup;
    const acks = new Map<string, Acked>();
    const warnings: string[] = [];
    let lastSize = 0;
    for (let round = 0; round < 25; round++) {
      const child = spawnFixture('load-child.mjs', [tmp.dir, `r${round}`], { COMPACT_BYTES: String(32 * 1024 + round * 4096) });
      // Some kills land during start-up and recovery, most while writing: those wait for the
      // child's first acknowledged completion (so a slow machine still kills it mid-write), then a while.
      const writing = round % 5 !== 4;
      if (writing) await child.waitFor((l) => l.startsWith('D '));
      await sleep(Math.floor(Math.random() * 300));
      await child.kill();
      const { signal } = await child.exited;
      expect(signal, child.stderr.join('')).toBe('SIGKILL');
      collectAcks(child.lines, acks);
      lastSize = await verify(tmp.dir, acks, warnings);
      expect(lastSize).toBeGreaterThanOrEqual([...acks.values()].filter((a) => a.created).length);
    }
    // 20 rounds killed while writing, each after at least one acknowledged completion.
    expect([...acks.values()].filter((a) => a.done).length).toBeGreaterThanOrEqual(20);
    // Torn tails are possible but never anything else.
    for (const w of warnings) expect(w).toMatch(/torn last record/);
  }, 120_000);
});

describe('SIGKILL during compaction', () => {
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await cleanup?.();
    cleanup = undefined;
  });

  for (const step of COMPACTION_STEPS) {
    it(`loses nothing when killed after step "${step}"`, async () => {
      const tmp = await tempDir();
      cleanup = tmp.cleanup;
      const acks = new Map<string, Acked>();
      // Two rounds: the second compacts a store that already went through a killed compaction.
      for (const round of [0, 1]) {
        const child = spawnFixture('load-child.mjs', [tmp.dir, `c${round}`], { KILL_AT_STEP: step, COMPACT_BYTES: '1000000000' });
        const { signal } = await child.exited;
        expect(signal, child.stderr.join('')).toBe('SIGKILL');
        expect(child.lines).toContain('LOADED');
        expect(child.lines).not.toContain('COMPACTED');
        collectAcks(child.lines, acks);
        expect(acks.size).toBeGreaterThanOrEqual(200 * (round + 1));
        await verify(tmp.dir, acks, []);
      }
      // And a compaction that completes afterwards keeps everything too.
      const store = await FileTaskStore.open(tmp.dir);
      await store.compact();
      await store.close();
      await verify(tmp.dir, acks, []);
    });
  }
});
