import { afterEach, describe, expect, it } from 'vitest';
import { ANY_OWNER } from '@headway/core';
import type { TaskRecord } from '@headway/core/spi';
import { FileTaskStore } from '../src/index.js';
import { taskRecord, tempDir } from './helpers.js';

async function everything(store: FileTaskStore): Promise<TaskRecord[]> {
  const all: TaskRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.list({ owner: ANY_OWNER, limit: 1000, ...(cursor && { cursor }) });
    all.push(...page.tasks);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe('compaction and sweeping at scale', () => {
  it('writes during a compaction (creates, updates, deletes, re-creates) all survive a reopen, exactly', async () => {
    const { dir, cleanup } = await tempDir();
    cleanups.push(cleanup);
    const store = await FileTaskStore.open(dir, { compactAfterBytes: Infinity, durability: 'os' });
    for (let i = 0; i < 6000; i++) void store.create(taskRecord(`t${i}`, store.nextSeq(), { input: { i } }));
    await store.update('t0', { status: 'working' });
    const compaction = store.compact();
    // Interleave with the slices of the snapshot being written.
    const writes: Promise<unknown>[] = [];
    let done = false;
    void compaction.finally(() => (done = true));
    for (let round = 0; !done || round < 5; round++) {
      const i = (round * 7919) % 6000;
      writes.push(store.update(`t${i}`, { status: 'working', progress: round }));
      writes.push(store.update(`t${(i + 1) % 6000}`, { statusMessage: undefined, checkpoint: { round } }));
      writes.push(store.delete(`t${(i + 2) % 6000}`));
      writes.push(store.create(taskRecord(`new${round}`, store.nextSeq(), { input: { round } })));
      if (round % 3 === 0) {
        // Delete and re-create the same id: the snapshot may see either, the log has both.
        writes.push(store.delete(`new${round}`).then(() => store.create(taskRecord(`new${round}`, store.nextSeq(), { input: 'again' }))));
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    await compaction;
    await Promise.all(writes);
    const before = await everything(store);
    await store.close();
    const again = await FileTaskStore.open(dir);
    cleanups.unshift(() => again.close());
    expect(await everything(again)).toEqual(before);
    expect(again.size).toBe(before.length);
  });

  it('sweeps many expired records in slices, and nothing else', async () => {
    const { dir, cleanup } = await tempDir();
    cleanups.push(cleanup);
    const store = await FileTaskStore.open(dir, { durability: 'os' });
    cleanups.unshift(() => store.close());
    const creates: Promise<void>[] = [];
    for (let i = 0; i < 9000; i++) creates.push(store.create(taskRecord(`t${i}`, store.nextSeq())));
    await Promise.all(creates);
    const updates: Promise<unknown>[] = [];
    for (let i = 0; i < 9000; i++) {
      updates.push(store.update(`t${i}`, i % 3 === 2 ? { status: 'working', expiresAt: 10 } : { status: 'completed', expiresAt: i % 3 === 0 ? 10 : 1_000 }));
    }
    await Promise.all(updates);
    expect(await store.sweep(5)).toBe(0);
    expect(await store.sweep(10)).toBe(3000);
    expect(await store.sweep(10)).toBe(0);
    expect(store.size).toBe(6000);
    expect(await store.get('t0', ANY_OWNER)).toBeUndefined();
    expect(await store.get('t2', ANY_OWNER)).toBeDefined();
    await store.close();
    const again = await FileTaskStore.open(dir);
    expect(again.size).toBe(6000);
    expect(await again.sweep(1_000)).toBe(3000);
    await again.close();
  });

  it('reads back records larger than its read chunk, between small ones', async () => {
    const { dir, cleanup } = await tempDir();
    cleanups.push(cleanup);
    const store = await FileTaskStore.open(dir);
    const big = 'x'.repeat(9 << 20);
    await store.create(taskRecord('small1', store.nextSeq()));
    await store.create(taskRecord('big', store.nextSeq(), { input: big }));
    for (let i = 0; i < 50; i++) await store.create(taskRecord(`s${i}`, store.nextSeq()));
    await store.close();
    for (const step of ['log', 'snapshot'] as const) {
      const again = await FileTaskStore.open(dir);
      expect(again.size).toBe(52);
      expect((await again.get('big', ANY_OWNER))!.input).toBe(big);
      if (step === 'log') await again.compact();
      await again.close();
    }
  });
});
