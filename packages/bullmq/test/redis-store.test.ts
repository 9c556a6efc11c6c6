import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Redis } from 'ioredis';
import { ANY_OWNER, InvalidArgumentError, TaskLimitError } from '@headway/core';
import type { TaskRecord } from '@headway/core/spi';
import { RedisStoreError, RedisTaskStore } from '../src/index.js';
import { REDIS_URL, removeKeys, scanKeys, sleep, taskRecord, uniquePrefix } from './helpers.js';

describe('RedisTaskStore on Redis', () => {
  let prefix: string;
  let store: RedisTaskStore;
  let redis: Redis;
  beforeEach(async () => {
    prefix = uniquePrefix();
    store = await RedisTaskStore.open({ connection: REDIS_URL, prefix });
    redis = new Redis(REDIS_URL);
  });
  afterEach(async () => {
    await store.close();
    redis.disconnect();
    await removeKeys(prefix);
  });

  it('keeps what create was given, unknown fields and exact JSON included', async () => {
    const odd = 'ow:ner%3A/ü "q"';
    const input = { list: [], nested: { empty: {}, arr: [[], [1, { a: [] }]] }, big: 2 ** 52 + 1, float: 1 / 3, text: 'ß\n"' };
    await store.create({ ...taskRecord('a', await store.nextSeq(), { owner: odd, input }), future: { field: [] } } as TaskRecord);
    const got = (await store.get('a', odd)) as TaskRecord & { future?: unknown };
    expect(got).toMatchObject({ id: 'a', owner: odd, status: 'queued', dependsOn: [], metadata: {} });
    expect(got.input).toEqual(input);
    expect(got.future).toEqual({ field: [] });
    // Field names that are not plain identifiers, and values holding NUL, come back from updates and lists alike.
    const patch = { 'odd "name"/ü': { nul: 'a\u0000b', list: [] }, progress: 5 } as Record<string, unknown>;
    const updated = await store.update('a', patch, { expect: ['queued'] });
    expect(updated.ok && updated.record).toMatchObject({ ...patch, input });
    const [listed] = (await store.list({ owner: odd })).tasks;
    expect(listed).toMatchObject({ ...patch, input, future: { field: [] } });
  });

  it('gives a terminal record a Redis expiry at its expiresAt; sweep then clears the indexes', async () => {
    const expiresAt = Date.now() + 300;
    await store.create(taskRecord('a', await store.nextSeq()));
    await store.update('a', { status: 'completed', expiresAt }, { expect: ['queued'] });
    const key = store.keys.record('a');
    expect(await redis.pexpiretime(key)).toBe(expiresAt);
    await store.create(taskRecord('b', await store.nextSeq()));
    expect(await redis.pttl(store.keys.record('b'))).toBe(-1);
    await sleep(450);
    expect(await store.get('a', ANY_OWNER)).toBeUndefined();
    expect((await store.list({ owner: ANY_OWNER })).tasks.map((t) => t.id)).toEqual(['b']);
    expect(await store.sweep(Date.now())).toBe(1);
    await store.delete('b');
    expect(await scanKeys(redis, prefix)).toEqual([store.keys.seq]);
  });

  it('pages past many entries whose records Redis expired, cleaning them on the way', async () => {
    for (let i = 0; i < 30; i++) await store.create(taskRecord(`t${i}`, await store.nextSeq()));
    for (let i = 0; i < 25; i++) await store.update(`t${i}`, { status: 'completed', expiresAt: Date.now() + 150 });
    await sleep(250);
    const page = await store.list({ owner: 'alice', status: ['completed', 'queued'], limit: 2 });
    expect(page.tasks.map((t) => t.id)).toEqual(['t25', 't26']);
    expect(await redis.zcard(`${store.keys.base}:i:completed:o:alice`)).toBe(0);
    expect(await redis.zcard(`${store.keys.base}:i:completed`)).toBe(25);
    expect(await store.sweep(Date.now())).toBe(25);
    expect(await redis.zcard(`${store.keys.base}:i:completed`)).toBe(0);
  });

  it('keeps every unfinished status in one index: a start moves nothing, lists of some unfinished statuses skip the others', async () => {
    const statuses = ['queued', 'working', 'input_required', 'completed'] as const;
    for (let i = 0; i < 12; i++) await store.create(taskRecord(`t${i}`, await store.nextSeq()));
    for (let i = 0; i < 12; i++) if (i % 4 > 0) await store.update(`t${i}`, { status: statuses[i % 4]! });
    expect(await redis.zcard(`${store.keys.base}:i:active:o:alice`)).toBe(9);
    expect(await store.countActive('alice')).toBe(9);
    const ids = async (status: (typeof statuses)[number][], limit = 2) => {
      const out: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.list({ owner: 'alice', status, limit, ...(cursor && { cursor }) });
        out.push(...page.tasks.map((t) => t.id));
        cursor = page.nextCursor;
      } while (cursor);
      return out;
    };
    expect(await ids(['working'])).toEqual(['t1', 't5', 't9']);
    expect(await ids(['input_required', 'completed'], 1)).toEqual(['t2', 't3', 't6', 't7', 't10', 't11']);
    expect(await ids(['queued', 'working', 'input_required'], 5)).toEqual(['t0', 't1', 't2', 't4', 't5', 't6', 't8', 't9', 't10']);
  });

  it('leaves no index entry behind after every kind of write', async () => {
    for (let i = 0; i < 10; i++) await store.create(taskRecord(`t${i}`, await store.nextSeq(), { owner: `o${i % 3}`, kind: `k${i % 2}` }));
    for (let i = 0; i < 10; i++) await store.update(`t${i}`, { status: 'working' });
    for (let i = 0; i < 5; i++) await store.update(`t${i}`, { status: 'failed', expiresAt: Date.now() + 60_000 });
    for (let i = 0; i < 10; i++) expect(await store.delete(`t${i}`)).toBe(true);
    expect(await scanKeys(redis, prefix)).toEqual([store.keys.seq]);
  });

  it('fences updates by attempt: a stale attempt cannot overwrite a newer one', async () => {
    await store.create(taskRecord('a', await store.nextSeq()));
    await store.update('a', { status: 'working', attempt: 1 }, { expect: ['queued'], attempt: 1 });
    // The job stalled and another worker started attempt 2.
    expect((await store.update('a', { attempt: 2, checkpoint: { by: 2 } }, { expect: ['working'], attempt: 1 })).ok).toBe(true);
    const stale = await store.update('a', { status: 'completed', result: 'old' }, { expect: ['working'], attempt: 1 });
    expect(stale).toMatchObject({ ok: false, record: { status: 'working', attempt: 2 } });
    expect((await store.update('a', { status: 'completed', result: 'new' }, { expect: ['working'], attempt: 2 })).ok).toBe(true);
    await expect(store.update('a', { progress: 1 }, { attempt: 0 })).rejects.toThrow(/options\.attempt/);
  });

  it('keeps owners and kinds that contain the key separator apart', async () => {
    await store.create(taskRecord('a', await store.nextSeq(), { owner: 'x:k:y', kind: 'z' }));
    await store.create(taskRecord('b', await store.nextSeq(), { owner: 'x', kind: 'y:z' }));
    await store.create(taskRecord('c', await store.nextSeq(), { owner: 'x%3Ak', kind: 'y' }));
    const ids = async (owner: string, kind?: string) =>
      (await store.list({ owner, ...(kind !== undefined && { kind }) })).tasks.map((t) => t.id);
    expect(await ids('x:k:y', 'z')).toEqual(['a']);
    expect(await ids('x', 'y:z')).toEqual(['b']);
    expect(await ids('x%3Ak')).toEqual(['c']);
    expect(await ids('x')).toEqual(['b']);
    expect(await store.countActive('x:k:y')).toBe(1);
  });

  it('acknowledges a resent create of the same record, refuses another record under the id', async () => {
    const record = taskRecord('a', await store.nextSeq());
    await store.create(record);
    await expect(store.create(record)).resolves.toBeUndefined();
    await expect(store.create({ ...record, seq: await store.nextSeq() })).rejects.toMatchObject({ code: 'duplicate_id' });
    expect(await store.countActive('alice')).toBe(1);
  });

  it('validates input with errors naming the argument', async () => {
    await expect(store.create({ ...taskRecord('x', 1), seq: 0 })).rejects.toThrow(/record\.seq/);
    await expect(store.create({ ...taskRecord('x', 1), status: 'nope' as 'queued' })).rejects.toThrow(/record\.status/);
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    await expect(store.create(taskRecord('x', 1, { input: circular }))).rejects.toThrow(/JSON-serialisable/);
    await expect(store.create({ ...taskRecord('x', 1), 'a\u0000b': 1 } as TaskRecord)).rejects.toThrow(/record key.*NUL/);
    await store.create(taskRecord('a', await store.nextSeq()));
    await expect(store.update('a', null as never)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(store.update('a', { status: 'bad' as 'queued' })).rejects.toThrow(/patch\.status/);
    await expect(store.update('a', { status: undefined })).rejects.toThrow(/patch\.status/);
    await expect(store.update('a', { owner: 'bob' } as never)).rejects.toThrow(/patch\.owner/);
    await expect(store.update('a', { 'x\u0000': 1 } as never)).rejects.toThrow(/patch key.*NUL/);
    await expect(store.update('a', { progress: 1 }, { expect: ['nope' as 'queued'] })).rejects.toThrow(/expect/);
    await expect(store.get(42 as never, ANY_OWNER)).rejects.toThrow(/Invalid id/);
    await expect(store.get('a', 42 as never)).rejects.toThrow(/Invalid owner/);
    await expect(store.list({ owner: ANY_OWNER, status: ['nope' as 'queued'] })).rejects.toThrow(/query\.status/);
    await expect(store.sweep(Number.NaN)).rejects.toThrow(/now/);
    expect(() => new RedisTaskStore({ prefix: 'a{b}' })).toThrow(/prefix/);
    expect(() => new RedisTaskStore({ connection: 'http://example' })).toThrow(/redis:\/\//);
    expect(() => new RedisTaskStore({ replicas: { count: 0, timeoutMs: 1 } })).toThrow(/replicas/);
  });

  it('fails a write that the replicas it asks for do not confirm, naming Redis and the write', async () => {
    const waiting = await RedisTaskStore.open({ connection: REDIS_URL, prefix, replicas: { count: 1, timeoutMs: 50 } });
    try {
      const error = await waiting.create(taskRecord('w', await waiting.nextSeq())).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RedisStoreError);
      expect((error as RedisStoreError).message).toMatch(/^Redis at redis:\/\/127\.0\.0\.1:6379 .*create of task "w" failed: acknowledged by 0 of 1 replicas within 50 ms/);
    } finally {
      await waiting.close();
    }
  });

  it('says when it is not open, closed, or Redis is not there', async () => {
    const unopened = new RedisTaskStore({ connection: REDIS_URL, prefix });
    await expect(unopened.get('a', ANY_OWNER)).rejects.toThrow(/get of task "a" failed: the store is not open yet/);
    await unopened.close();
    await expect(unopened.open()).rejects.toThrow(/closed/);
    await store.close();
    await expect(store.nextSeq()).rejects.toThrow(/nextSeq failed: the store is closed/);
    const nowhere = new RedisTaskStore({ connection: { host: '127.0.0.1', port: 1, maxRetriesPerRequest: 0, retryStrategy: () => null }, prefix });
    const started = Date.now();
    const error = await nowhere.open().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedisStoreError);
    expect((error as Error).message).toMatch(/^Redis at redis:\/\/127\.0\.0\.1:1 .*open failed: .*ECONNREFUSED/);
    expect(Date.now() - started).toBeLessThan(5_000);
    await nowhere.close();
  });

  it('sends the writes of one turn as one call each, with each its own result: the cap, a duplicate, a conflict, an error', async () => {
    const own = new Redis(REDIS_URL);
    const batched = await RedisTaskStore.open({ connection: own, prefix });
    try {
      const scripts = vi.spyOn(own, 'evalsha');
      const incrs = vi.spyOn(own, 'incrby');
      const seqs = await Promise.all([1, 2, 3, 4, 5].map(() => batched.nextSeq()));
      expect(seqs).toEqual([1, 2, 3, 4, 5]);
      expect(incrs).toHaveBeenCalledTimes(1);
      await batched.create(taskRecord('old', seqs[0]!, { owner: 'bob' }));
      // A key of the wrong type under one id: Redis fails that item alone.
      await redis.set(batched.keys.record('bad'), 'x');
      scripts.mockClear();
      // The cap is 3 and alice has none: the first three fit, the fourth is one over.
      const results = await Promise.all([
        ...['a', 'b', 'c', 'd'].map((id, i) => batched.create(taskRecord(id, 10 + i), { maxActive: 3 })),
        batched.create(taskRecord('old', 20, { owner: 'bob' })),
        batched.create(taskRecord('bad', 21)),
      ].map((p) => p.then(() => 'ok', (e: unknown) => e)));
      expect(scripts).toHaveBeenCalledTimes(1);
      expect(results.slice(0, 3)).toEqual(['ok', 'ok', 'ok']);
      expect(results[3]).toBeInstanceOf(TaskLimitError);
      expect((results[3] as Error).message).toMatch(/3 unfinished tasks \(limit 3\)/);
      expect(results[4]).toMatchObject({ code: 'duplicate_id' });
      expect(results[5]).toBeInstanceOf(RedisStoreError);
      expect((results[5] as RedisStoreError).operation).toBe('create of task "bad"');
      expect((results[5] as Error).message).toMatch(/WRONGTYPE/);
      expect((await batched.list({ owner: 'alice' })).tasks.map((t) => t.id)).toEqual(['a', 'b', 'c']);
      scripts.mockClear();
      const updates = await Promise.all([
        batched.update('a', { status: 'working' }, { expect: ['queued'] }),
        batched.update('b', { status: 'completed' }, { expect: ['working'] }),
        batched.update('missing', { progress: 1 }),
        batched.update('c', { status: 'completed', result: 1 }),
      ]);
      expect(scripts).toHaveBeenCalledTimes(1);
      expect(updates.map((u) => u.ok)).toEqual([true, false, false, true]);
      expect(updates[1]).toMatchObject({ record: { id: 'b', status: 'queued' } });
      expect(updates[2].record).toBeUndefined();
      expect(updates[3]).toMatchObject({ record: { status: 'completed', result: 1 } });
      expect(await batched.countActive('alice')).toBe(2);
      // A turn's batch larger than one call holds is split: 300 creates, 256 + 44.
      scripts.mockClear();
      await Promise.all(Array.from({ length: 300 }, (_, i) => batched.create(taskRecord(`many${i}`, 100 + i, { owner: 'carol' }))));
      expect(scripts).toHaveBeenCalledTimes(2);
      expect(await batched.countActive('carol')).toBe(300);
    } finally {
      await batched.close();
      own.disconnect();
    }
  });

  it('uses a client the caller made and leaves it open', async () => {
    const own = new Redis(REDIS_URL);
    const shared = await RedisTaskStore.open({ connection: own, prefix });
    await shared.create(taskRecord('a', await shared.nextSeq()));
    await shared.close();
    expect(await own.ping()).toBe('PONG');
    expect(await store.get('a', 'alice')).toBeDefined();
    own.disconnect();
  });
});
