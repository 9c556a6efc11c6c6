// The TaskStore contract as tests, written to move into the core's conformance kit
// (`describeTaskStore` in @headway/core/testing, issue 10). They assume only the plan's contract:
// every method may be synchronous or asynchronous, a record past its `expiresAt` may already be
// gone before `sweep` (Redis expires it itself), and times are real epoch milliseconds.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ANY_OWNER, HeadwayError } from '@headway/core';
import type { TaskRecord } from '@headway/core/spi';
import type { TaskStore as SharedTaskStore } from '@headway/core/spi';
import { taskRecord } from './helpers.js';

export interface StoreFixture {
  store: SharedTaskStore;
  /** A second store on the same records (another client, another process) for concurrent writers. */
  peer?: () => Promise<SharedTaskStore>;
  /** Closes the store and opens it again on the same data (durable stores). */
  reopen?: () => Promise<SharedTaskStore>;
  cleanup(): Promise<void>;
}

const ids = (tasks: readonly TaskRecord[]) => tasks.map((t) => t.id);

export function describeTaskStoreContract(name: string, setup: () => Promise<StoreFixture>): void {
  describe(`${name}: TaskStore contract`, () => {
    let fixture: StoreFixture;
    let store: SharedTaskStore;
    const record = async (id: string, extra: Partial<TaskRecord> = {}) => taskRecord(id, await store.nextSeq(), extra);
    beforeEach(async () => {
      fixture = await setup();
      store = fixture.store;
    });
    afterEach(async () => {
      await fixture.cleanup();
    });

    it('keeps what create was given, unknown fields and exact JSON included', async () => {
      const odd = 'ow:ner%3A/ü "q"';
      const input = { list: [], nested: { empty: {}, arr: [[], [1, { a: [] }]] }, big: 2 ** 52 + 1, float: 1 / 3, text: 'ß\n"' };
      await store.create({ ...(await record('a', { owner: odd, input })), future: { field: [] } } as TaskRecord);
      const got = (await store.get('a', odd)) as TaskRecord & { future?: unknown };
      expect(got).toMatchObject({ id: 'a', owner: odd, status: 'queued', dependsOn: [], metadata: {} });
      expect(got.input).toEqual(input);
      expect(got.future).toEqual({ field: [] });
      expect(got).not.toHaveProperty('statusMessage');
    });

    it('refuses a second record with an id already in the store', async () => {
      await store.create(await record('dup'));
      const dup = await record('dup', { owner: 'bob' });
      // A synchronous store may throw, an asynchronous one rejects: the kit accepts either.
      await expect(Promise.resolve().then(() => store.create(dup))).rejects.toBeInstanceOf(HeadwayError);
      await expect(Promise.resolve(store.get('dup', 'bob'))).resolves.toBeUndefined();
    });

    it('compare-and-set on status; terminal is final whatever expect says', async () => {
      await store.create(await record('a'));
      expect((await store.update('a', { status: 'working' }, { expect: ['working'] })).ok).toBe(false);
      expect((await store.update('a', { status: 'working', statusMessage: 'go' }, { expect: ['queued'] })).ok).toBe(true);
      const done = await store.update('a', { status: 'completed', result: { n: [] } }, { expect: ['working'] });
      expect(done).toMatchObject({ ok: true, record: { status: 'completed', result: { n: [] }, statusMessage: 'go' } });
      const late = await store.update('a', { status: 'failed' });
      expect(late).toMatchObject({ ok: false, record: { status: 'completed', result: { n: [] } } });
      expect((await store.update('a', { progress: 5 }, { expect: ['completed'] })).ok).toBe(false);
      expect(await store.update('missing', { progress: 1 })).toEqual({ ok: false });
    });

    it('removes a field a patch sets to undefined', async () => {
      await store.create(await record('a', { statusMessage: 'hi', checkpoint: { step: 1 } }));
      await store.update('a', { statusMessage: undefined, checkpoint: { step: 2 } });
      const got = await store.get('a', ANY_OWNER);
      // JSON stores drop the key; the memory store keeps it with the value undefined.
      expect(got?.statusMessage).toBeUndefined();
      expect(got?.checkpoint).toEqual({ step: 2 });
    });

    it('scopes reads by owner (another owner reads as missing) and returns copies', async () => {
      await store.create(await record('a', { owner: 'alice' }));
      await store.create(await record('b', { owner: 'bob' }));
      expect(await store.get('a', 'bob')).toBeUndefined();
      expect(await store.get('a', ANY_OWNER)).toBeDefined();
      expect(ids((await store.list({ owner: 'bob' })).tasks)).toEqual(['b']);
      expect(ids((await store.list({ owner: ANY_OWNER })).tasks)).toEqual(['a', 'b']);
      const copy = (await store.get('a', 'alice'))!;
      copy.status = 'failed';
      (copy.metadata as Record<string, unknown>).x = 1;
      expect(await store.get('a', 'alice')).toMatchObject({ status: 'queued', metadata: {} });
    });

    it('counts unfinished tasks per owner', async () => {
      for (const [id, owner] of [['a', 'alice'], ['b', 'alice'], ['c', 'alice'], ['d', 'bob']] as const) await store.create(await record(id, { owner }));
      await store.update('b', { status: 'working' });
      expect(await store.countActive('alice')).toBe(3);
      await store.update('a', { status: 'cancelled' });
      await store.delete('c');
      expect(await store.countActive('alice')).toBe(1);
      expect(await store.countActive('bob')).toBe(1);
      expect(await store.countActive('nobody')).toBe(0);
    });

    it('pages lists in creation order with an opaque cursor, also after deletes', async () => {
      for (let i = 0; i < 25; i++) await store.create(await record(`t${i}`, { owner: i % 2 ? 'bob' : 'alice' }));
      expect(await store.delete('t24')).toBe(true);
      expect(await store.delete('t24')).toBe(false);
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await store.list({ owner: ANY_OWNER, limit: 7, ...(cursor && { cursor }) });
        seen.push(...ids(page.tasks));
        cursor = page.nextCursor;
        pages++;
      } while (cursor);
      expect(seen).toEqual(Array.from({ length: 24 }, (_, i) => `t${i}`));
      expect(pages).toBe(4);
      const exact = await store.list({ owner: 'alice', limit: 12 });
      expect(exact.tasks).toHaveLength(12);
      expect(exact.nextCursor).toBeUndefined();
    });

    it('filters by status and kind, alone and together, per owner or across owners', async () => {
      const plan: [string, string, string, TaskRecord['status']][] = [
        ['a', 'alice', 'x', 'queued'], ['b', 'alice', 'y', 'working'], ['c', 'bob', 'x', 'working'],
        ['d', 'alice', 'x', 'completed'], ['e', 'bob', 'y', 'queued'], ['f', 'alice', 'x', 'working'],
      ];
      for (const [id, owner, kind] of plan) await store.create(await record(id, { owner, kind }));
      for (const [id, , , status] of plan) if (status !== 'queued') await store.update(id, { status });
      const q = async (query: Parameters<SharedTaskStore['list']>[0]) => ids((await store.list(query)).tasks);
      expect(await q({ owner: ANY_OWNER, status: ['working'] })).toEqual(['b', 'c', 'f']);
      expect(await q({ owner: ANY_OWNER, kind: 'x' })).toEqual(['a', 'c', 'd', 'f']);
      expect(await q({ owner: 'alice', kind: 'x', status: ['queued', 'working'] })).toEqual(['a', 'f']);
      expect(await q({ owner: 'bob', status: ['working', 'queued'] })).toEqual(['c', 'e']);
      expect(await q({ owner: ANY_OWNER, kind: 'nope' })).toEqual([]);
      const first = await store.list({ owner: ANY_OWNER, status: ['working', 'queued'], limit: 2 });
      expect(ids(first.tasks)).toEqual(['a', 'b']);
      const rest = await store.list({ owner: ANY_OWNER, status: ['working', 'queued'], cursor: first.nextCursor! });
      expect(ids(rest.tasks)).toEqual(['c', 'e', 'f']);
    });

    it('hands out seq values that only grow, unique under concurrency', async () => {
      const values = await Promise.all(Array.from({ length: 200 }, () => store.nextSeq()));
      expect(new Set(values).size).toBe(200);
      const after = await store.nextSeq();
      expect(after).toBeGreaterThan(Math.max(...values));
    });

    it('sweeps terminal records past their expiry, keeps the rest, and lists stay consistent', async () => {
      const now = Date.now();
      for (let i = 0; i < 40; i++) await store.create(await record(`t${i}`, { expiresAt: now - 1_000 }));
      for (let i = 0; i < 30; i++) await store.update(`t${i}`, { status: 'completed', expiresAt: now - 1_000 });
      await store.update('t30', { status: 'failed', expiresAt: now + 60_000 });
      expect(await store.sweep(now)).toBe(30);
      expect(await store.sweep(now)).toBe(0);
      expect(ids((await store.list({ owner: ANY_OWNER, limit: 1000 })).tasks)).toEqual(Array.from({ length: 10 }, (_, i) => `t${i + 30}`));
      expect(await store.get('t0', ANY_OWNER)).toBeUndefined();
      expect(await store.get('t30', ANY_OWNER)).toMatchObject({ status: 'failed' });
      expect(await store.get('t31', ANY_OWNER)).toMatchObject({ status: 'queued' });
      const page = await store.list({ owner: ANY_OWNER, status: ['queued'], limit: 5 });
      expect(ids(page.tasks)).toEqual(['t31', 't32', 't33', 't34', 't35']);
      expect(page.nextCursor).toBeDefined();
    });

    it('survives a reopen: records, statuses and a seq that keeps growing', async () => {
      if (!fixture.reopen) return;
      await store.create(await record('a', { input: { x: 1 } }));
      await store.update('a', { status: 'working', checkpoint: { step: 3 } });
      const seq = await store.nextSeq();
      store = await fixture.reopen();
      expect(await store.get('a', 'alice')).toMatchObject({ status: 'working', checkpoint: { step: 3 }, input: { x: 1 } });
      expect(await store.nextSeq()).toBeGreaterThan(seq);
      expect((await store.update('a', { status: 'working' }, { expect: ['queued'] })).ok).toBe(false);
    });

    it('lets exactly one of two concurrent writers win each compare-and-set', async () => {
      if (!fixture.peer) return;
      const other = await fixture.peer();
      const n = 60;
      for (let i = 0; i < n; i++) await store.create(await record(`r${i}`));
      // Both claim every task at once: one start per task.
      const claims = await Promise.all(
        Array.from({ length: n }, (_, i) => [
          store.update(`r${i}`, { status: 'working', statusMessage: 'one' }, { expect: ['queued'] }),
          other.update(`r${i}`, { status: 'working', statusMessage: 'two' }, { expect: ['queued'] }),
        ]).flat(),
      );
      for (let i = 0; i < n; i++) expect(claims[2 * i]!.ok !== claims[2 * i + 1]!.ok).toBe(true);
      // Then one completes while the other cancels: one terminal state per task, the winner's.
      const ends = await Promise.all(
        Array.from({ length: n }, (_, i) => [
          store.update(`r${i}`, { status: 'completed', result: i }, { expect: ['working'] }),
          other.update(`r${i}`, { status: 'cancelled' }, { expect: ['queued', 'working', 'input_required'] }),
        ]).flat(),
      );
      for (let i = 0; i < n; i++) {
        const [done, cancelled] = [ends[2 * i]!, ends[2 * i + 1]!];
        expect(done.ok !== cancelled.ok).toBe(true);
        const final = await other.get(`r${i}`, ANY_OWNER);
        expect(final?.status).toBe(done.ok ? 'completed' : 'cancelled');
      }
      expect(await store.countActive('alice')).toBe(0);
      expect((await store.list({ owner: ANY_OWNER, status: ['completed', 'cancelled'], limit: 1000 })).tasks).toHaveLength(n);
      const seqs = await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 ? store : other).nextSeq()));
      expect(new Set(seqs).size).toBe(50);
    });
  });
}
