import { afterEach, describe, expect, it } from 'vitest';
import { TaskLimitError } from '../errors.js';
import { ANY_OWNER } from '../store/task-store.js';
import type { TaskStore } from '../store/task-store.js';
import type { TaskRecord } from '../task-record.js';

export interface TaskStoreFactory {
  /** A new, empty store, opened. */
  create(): TaskStore | Promise<TaskStore>;
  /** Closes `store` and opens a new one on the same data (durable stores only). */
  reopen?(store: TaskStore): Promise<TaskStore>;
  /** Removes what the store left behind (files, keys); called after each test. */
  cleanup?(store: TaskStore): void | Promise<void>;
}

/** A record as the manager writes it, with every field present. */
export function sampleRecord(store: { seq: number }, fields: Partial<TaskRecord> & { id: string }): TaskRecord {
  return {
    owner: 'alice',
    kind: 'k',
    seq: store.seq,
    status: 'queued',
    input: { n: 1 },
    metadata: { tool: 't' },
    progress: 0,
    statusMessage: undefined,
    result: undefined,
    error: undefined,
    attempt: 1,
    maxAttempts: 1,
    createdAt: Date.now(),
    startedAt: undefined,
    finishedAt: undefined,
    ttlMs: 60_000,
    expiresAt: undefined,
    timeoutMs: undefined,
    dependsOn: [],
    runOnDependencyFailure: false,
    resumable: false,
    checkpoint: undefined,
    nextAttemptAt: undefined,
    inputRequest: undefined,
    inputResponse: undefined,
    ...fields,
  };
}

/**
 * The `TaskStore` contract as a vitest suite: every store (memory, file, Redis, yours) runs it.
 * Call it at the top level of a test file: `describeTaskStore('FileTaskStore', { create, reopen, cleanup })`.
 */
export function describeTaskStore(name: string, factory: TaskStoreFactory): void {
  describe(`TaskStore contract: ${name}`, () => {
    const opened: TaskStore[] = [];
    async function open(): Promise<TaskStore> {
      const store = await factory.create();
      opened.push(store);
      return store;
    }
    async function add(store: TaskStore, fields: Partial<TaskRecord> & { id: string }): Promise<TaskRecord> {
      const record = sampleRecord({ seq: await store.nextSeq() }, fields);
      await store.create(record);
      return record;
    }
    afterEach(async () => {
      for (const store of opened.splice(0)) {
        await store.close?.();
        await factory.cleanup?.(store);
      }
    });

    it('create then get returns an equal copy; changing the copy changes nothing stored', async () => {
      const store = await open();
      const record = await add(store, { id: 'a', input: { items: [1, 2] } });
      const got = (await store.get('a', 'alice'))!;
      expect(got).toMatchObject({ id: 'a', owner: 'alice', kind: 'k', status: 'queued', input: { items: [1, 2] }, seq: record.seq });
      got.status = 'failed';
      expect((await store.get('a', 'alice'))!.status).toBe('queued');
    });

    it('refuses a duplicate id and keeps the first record', async () => {
      const store = await open();
      await add(store, { id: 'a', input: 'first' });
      await expect(Promise.resolve().then(() => add(store, { id: 'a', input: 'second' }))).rejects.toThrow();
      expect((await store.get('a', ANY_OWNER))!.input).toBe('first');
    });

    it("another owner's record reads exactly like a missing one", async () => {
      const store = await open();
      await add(store, { id: 'a', owner: 'alice' });
      expect(await store.get('a', 'bob')).toBeUndefined();
      expect(await store.get('missing', 'bob')).toBeUndefined();
      expect((await store.list({ owner: 'bob' })).tasks).toEqual([]);
      expect((await store.get('a', ANY_OWNER))!.owner).toBe('alice');
    });

    it('update is a compare-and-set on status, and terminal statuses are final', async () => {
      const store = await open();
      await add(store, { id: 'a' });
      const wrong = await store.update('a', { status: 'completed' }, { expect: ['working'] });
      expect(wrong.ok).toBe(false);
      expect(wrong.record?.status).toBe('queued');
      const started = await store.update('a', { status: 'working', startedAt: 5 }, { expect: ['queued'] });
      expect(started).toMatchObject({ ok: true, record: { status: 'working', startedAt: 5 } });
      expect((await store.update('a', { status: 'completed', result: 1 })).ok).toBe(true);
      const late = await store.update('a', { status: 'failed' });
      expect(late.ok).toBe(false);
      expect((await store.get('a', ANY_OWNER))!).toMatchObject({ status: 'completed', result: 1 });
      expect(await store.update('missing', { progress: 1 })).toEqual({ ok: false });
    });

    it('fences an update by attempt: a stale attempt changes nothing', async () => {
      const store = await open();
      await add(store, { id: 'a', status: 'working', attempt: 2 });
      const stale = await store.update('a', { status: 'completed', result: 'old' }, { expect: ['working'], attempt: 1 });
      expect(stale.ok).toBe(false);
      expect(stale.record).toMatchObject({ status: 'working', attempt: 2 });
      const current = await store.update('a', { progress: 50 }, { expect: ['working'], attempt: 2 });
      expect(current).toMatchObject({ ok: true, record: { progress: 50, attempt: 2 } });
      const next = await store.update('a', { status: 'queued', attempt: 3 }, { attempt: 2 });
      expect(next).toMatchObject({ ok: true, record: { status: 'queued', attempt: 3 } });
      expect((await store.update('a', { progress: 60 }, { attempt: 2 })).ok).toBe(false);
      expect((await store.get('a', ANY_OWNER))!).toMatchObject({ status: 'queued', attempt: 3, progress: 50 });
    });

    it('a patch with an undefined field clears it', async () => {
      const store = await open();
      await add(store, { id: 'a' });
      await store.update('a', { status: 'queued', error: { name: 'Error', message: 'attempt 1' }, attempt: 2, nextAttemptAt: 9 });
      await store.update('a', { status: 'completed', error: undefined, nextAttemptAt: undefined, result: 'ok' });
      const record = (await store.get('a', ANY_OWNER))!;
      expect(record.error).toBeUndefined();
      expect(record.nextAttemptAt).toBeUndefined();
      expect(record.attempt).toBe(2);
    });

    it('keeps input requests, answers and fields it does not know', async () => {
      const store = await open();
      const request = { id: 'q1', message: 'Which?', schema: { type: 'object', properties: { a: { type: 'string' } } }, requestedAt: 1 };
      await add(store, { id: 'a', ...({ custom: { kept: true } } as object) });
      await store.update('a', { status: 'input_required', inputRequest: request, inputResponse: { requestId: 'q1', action: 'accept', content: { a: 'x' } } });
      const record = (await store.get('a', ANY_OWNER))! as TaskRecord & { custom?: unknown };
      expect(record.inputRequest).toEqual(request);
      expect(record.inputResponse).toEqual({ requestId: 'q1', action: 'accept', content: { a: 'x' } });
      expect(record.custom).toEqual({ kept: true });
    });

    it('lists in creation order, in pages joined by an opaque cursor', async () => {
      const store = await open();
      const ids: string[] = [];
      for (let i = 0; i < 7; i++) ids.push((await add(store, { id: `t${i}` })).id);
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.list({ owner: 'alice', limit: 3, ...(cursor && { cursor }) });
        expect(page.tasks.length).toBeLessThanOrEqual(3);
        seen.push(...page.tasks.map((t) => t.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual(ids);
      await expect(Promise.resolve().then(() => store.list({ owner: 'alice', cursor: 'not a cursor!' }))).rejects.toThrow(/cursor/);
      await expect(Promise.resolve().then(() => store.list({ owner: 'alice', limit: 0 }))).rejects.toThrow(/limit/);
    });

    it('filters a list by status and kind, pages included', async () => {
      const store = await open();
      for (let i = 0; i < 10; i++) await add(store, { id: `t${i}`, kind: i % 2 ? 'odd' : 'even' });
      for (const id of ['t1', 't2', 't3']) await store.update(id, { status: 'completed' });
      const done = await store.list({ owner: ANY_OWNER, status: ['completed'] });
      expect(done.tasks.map((t) => t.id)).toEqual(['t1', 't2', 't3']);
      const oddQueued = await store.list({ owner: 'alice', status: ['queued'], kind: 'odd', limit: 2 });
      expect(oddQueued.tasks.map((t) => t.id)).toEqual(['t5', 't7']);
      const rest = await store.list({ owner: 'alice', status: ['queued'], kind: 'odd', limit: 2, cursor: oddQueued.nextCursor! });
      expect(rest.tasks.map((t) => t.id)).toEqual(['t9']);
      expect((await store.list({ owner: 'alice', status: ['cancelled'] })).tasks).toEqual([]);
    });

    it('counts unfinished tasks per owner', async () => {
      const store = await open();
      await add(store, { id: 'a' });
      await add(store, { id: 'b' });
      await add(store, { id: 'c', owner: 'bob' });
      expect(await store.countActive('alice')).toBe(2);
      await store.update('a', { status: 'cancelled' });
      expect(await store.countActive('alice')).toBe(1);
      await store.delete('b');
      expect(await store.countActive('alice')).toBe(0);
      expect(await store.countActive('bob')).toBe(1);
    });

    it('refuses a create past the owner\'s cap (maxActive) in the create itself, also when creates race', async () => {
      const store = await open();
      const create = async (fields: Partial<TaskRecord> & { id: string }) => store.create(sampleRecord({ seq: await store.nextSeq() }, fields), { maxActive: 2 });
      await create({ id: 'a' });
      await create({ id: 'b', status: 'working' });
      await create({ id: 'c', owner: 'bob' });
      const refused = await Promise.resolve(create({ id: 'd' })).then(() => undefined, (error: unknown) => error);
      expect(refused).toBeInstanceOf(TaskLimitError);
      expect((refused as Error).message).toBe('Owner already has 2 unfinished tasks (limit 2)');
      expect(await store.get('d', ANY_OWNER)).toBeUndefined();
      // A finished record is not counted, and may be created past the cap.
      await create({ id: 'e', status: 'completed' });
      await store.update('a', { status: 'failed' });
      const raced = await Promise.allSettled([create({ id: 'f' }), create({ id: 'g' }), create({ id: 'h' })]);
      expect(raced.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(raced.filter((r) => r.status === 'rejected').every((r) => (r as PromiseRejectedResult).reason instanceof TaskLimitError)).toBe(true);
      expect(await store.countActive('alice')).toBe(2);
      expect(await store.countActive('bob')).toBe(1);
    });

    it('assigns strictly increasing seqs', async () => {
      const store = await open();
      const seqs: number[] = [];
      for (let i = 0; i < 20; i++) seqs.push(await store.nextSeq());
      expect(seqs.every((s, i) => i === 0 || s > seqs[i - 1]!)).toBe(true);
    });

    it('sweeps only finished records whose expiry passed', async () => {
      const store = await open();
      const now = Date.now();
      await add(store, { id: 'old' });
      await add(store, { id: 'fresh' });
      await add(store, { id: 'running' });
      await store.update('old', { status: 'completed', expiresAt: now - 1000 });
      await store.update('fresh', { status: 'completed', expiresAt: now + 60_000 });
      await store.update('running', { status: 'working', expiresAt: now - 1000 });
      // A store whose backend expires records itself (Redis) may have removed it already.
      expect(await store.sweep(now)).toBeLessThanOrEqual(1);
      expect(await store.get('old', ANY_OWNER)).toBeUndefined();
      expect(await store.get('fresh', ANY_OWNER)).toBeDefined();
      expect(await store.get('running', ANY_OWNER)).toBeDefined();
      expect((await store.list({ owner: ANY_OWNER })).tasks.map((t) => t.id)).toEqual(['fresh', 'running']);
    });

    it('deletes a record once', async () => {
      const store = await open();
      await add(store, { id: 'a' });
      expect(await store.delete('a')).toBe(true);
      expect(await store.delete('a')).toBe(false);
      expect(await store.get('a', ANY_OWNER)).toBeUndefined();
    });

    it('lets exactly one of many concurrent compare-and-sets win', async () => {
      const store = await open();
      await add(store, { id: 'a' });
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => Promise.resolve(store.update('a', { status: 'working', attempt: i + 1 }, { expect: ['queued'] }))),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      const winner = results.find((r) => r.ok)!.record!.attempt;
      expect((await store.get('a', ANY_OWNER))!.attempt).toBe(winner);
    });

    if (factory.reopen) {
      const reopen = factory.reopen;
      it('keeps records, statuses and the seq order across a reopen', async () => {
        const store = await open();
        await add(store, { id: 'a' });
        await add(store, { id: 'b', owner: 'bob' });
        await store.update('a', { status: 'completed', result: { ok: true }, progress: 100 });
        const before = await store.nextSeq();
        const again = await reopen(store);
        opened.splice(opened.indexOf(store), 1, again);
        expect(await again.get('a', 'alice')).toMatchObject({ status: 'completed', result: { ok: true }, progress: 100 });
        expect(await again.get('b', 'bob')).toMatchObject({ status: 'queued' });
        expect(await again.nextSeq()).toBeGreaterThan(before);
        expect((await again.list({ owner: ANY_OWNER })).tasks.map((t) => t.id)).toEqual(['a', 'b']);
      });
    }
  });
}
