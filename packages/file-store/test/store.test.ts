import { readdir } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ANY_OWNER, InvalidArgumentError, TaskManager } from '@headway/core';
import { FileTaskStore, StoreUnavailableError } from '../src/index.js';
import { taskRecord, tempDir } from './helpers.js';

describe('FileTaskStore contract', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let store: FileTaskStore;
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
    store = await FileTaskStore.open(dir);
  });
  afterEach(async () => {
    await store.close();
    await cleanup();
  });

  const reopen = async () => {
    await store.close();
    store = await FileTaskStore.open(dir);
  };

  it('is durable and persists create, update, delete across a reopen', async () => {
    expect(store.durable).toBe(true);
    await store.create(taskRecord('a', store.nextSeq(), { input: { x: 1 } }));
    await store.create(taskRecord('b', store.nextSeq()));
    await store.update('a', { status: 'working', checkpoint: { step: 3 }, statusMessage: 'hi' });
    await store.update('a', { statusMessage: undefined });
    expect(await store.delete('b')).toBe(true);
    expect(await store.delete('b')).toBe(false);
    await reopen();
    const a = await store.get('a', 'alice');
    expect(a).toMatchObject({ status: 'working', checkpoint: { step: 3 }, input: { x: 1 } });
    expect(a).not.toHaveProperty('statusMessage');
    expect(await store.get('b', ANY_OWNER)).toBeUndefined();
  });

  it('compare-and-set on status; terminal is final, also after a reopen', async () => {
    await store.create(taskRecord('a', store.nextSeq()));
    expect((await store.update('a', { status: 'working' }, { expect: ['working'] })).ok).toBe(false);
    expect((await store.update('a', { status: 'working' }, { expect: ['queued'] })).ok).toBe(true);
    expect((await store.update('a', { status: 'completed', result: 1 })).ok).toBe(true);
    await reopen();
    const again = await store.update('a', { status: 'failed' });
    expect(again.ok).toBe(false);
    expect(again.ok === false && again.record?.status).toBe('completed');
    expect(await store.update('missing', { progress: 1 })).toEqual({ ok: false });
  });

  it('scopes reads by owner and returns copies', async () => {
    await store.create(taskRecord('a', store.nextSeq(), { owner: 'alice' }));
    await store.create(taskRecord('b', store.nextSeq(), { owner: 'bob' }));
    expect(await store.get('a', 'bob')).toBeUndefined();
    expect((await store.list({ owner: 'bob' })).tasks.map((t) => t.id)).toEqual(['b']);
    expect((await store.list({ owner: ANY_OWNER })).tasks.map((t) => t.id)).toEqual(['a', 'b']);
    const copy = (await store.get('a', 'alice'))!;
    copy.status = 'failed';
    (copy.metadata as Record<string, unknown>).x = 1;
    expect((await store.get('a', 'alice'))!.status).toBe('queued');
    expect((await store.get('a', 'alice'))!.metadata).toEqual({});
  });

  it('pages lists in creation order, counts active tasks, keeps nextSeq monotonic across reopen', async () => {
    for (let i = 0; i < 25; i++) await store.create(taskRecord(`t${i}`, store.nextSeq(), { owner: i % 2 ? 'bob' : 'alice' }));
    await store.update('t0', { status: 'completed' });
    expect(await store.countActive('alice')).toBe(12);
    await store.delete('t24');
    await reopen();
    expect(store.nextSeq()).toBe(26);
    expect(await store.countActive('alice')).toBe(11);
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.list({ owner: ANY_OWNER, limit: 7, ...(cursor && { cursor }) });
      ids.push(...page.tasks.map((t) => t.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(ids).toEqual(Array.from({ length: 24 }, (_, i) => `t${i}`));
    await store.compact();
    await reopen();
    expect(store.nextSeq()).toBe(27);
  });

  it('sweeps expired terminal records durably', async () => {
    await store.create(taskRecord('old', store.nextSeq()));
    await store.create(taskRecord('young', store.nextSeq()));
    await store.create(taskRecord('running', store.nextSeq(), { expiresAt: 1 }));
    await store.update('old', { status: 'completed', expiresAt: 1_000 });
    await store.update('young', { status: 'completed', expiresAt: 10_000 });
    expect(await store.sweep(5_000)).toBe(1);
    await reopen();
    expect(store.size).toBe(2);
    expect(await store.get('old', ANY_OWNER)).toBeUndefined();
  });

  it('compacts automatically and recovers from snapshot plus log', async () => {
    await store.close();
    store = await FileTaskStore.open(dir, { compactAfterBytes: 8 * 1024 });
    for (let i = 0; i < 300; i++) {
      await store.create(taskRecord(`t${i}`, store.nextSeq()));
      await store.update(`t${i}`, { progress: 50, checkpoint: { i } });
    }
    const names = await readdir(dir);
    expect(names).toContain('snapshot.hws');
    expect(names.filter((n) => n.endsWith('.hwl')).length).toBeLessThanOrEqual(2);
    await reopen();
    expect(store.size).toBe(300);
    expect((await store.get('t299', ANY_OWNER))?.checkpoint).toEqual({ i: 299 });
  });

  it('group-commits concurrent writes and works with durability "os"', async () => {
    await store.close();
    store = await FileTaskStore.open(dir, { durability: 'os' });
    await Promise.all(Array.from({ length: 500 }, (_, i) => store.create(taskRecord(`t${i}`, store.nextSeq()))));
    await reopen();
    expect(store.size).toBe(500);
  });

  it('stops accepting writes after a failed write, and reopens cleanly', async () => {
    await store.create(taskRecord('kept', store.nextSeq()));
    // Pull the file out from under the writer: the next write fails.
    const writer = (store as unknown as { writer: { handle: { close(): Promise<void> } } }).writer;
    await writer.handle.close();
    await expect(store.create(taskRecord('lost', store.nextSeq()))).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.update('kept', { progress: 5 })).rejects.toThrow(/stopped after a failed write/);
    await store.close();
    store = await FileTaskStore.open(dir);
    expect(await store.get('kept', ANY_OWNER)).toBeDefined();
    expect(await store.get('lost', ANY_OWNER)).toBeUndefined();
  });

  it('validates input with clear errors', async () => {
    expect(() => new FileTaskStore('')).toThrow(InvalidArgumentError);
    expect(() => new FileTaskStore(dir, { durability: 'sometimes' as 'os' })).toThrow(/durability/);
    expect(() => new FileTaskStore(dir, { compactAfterBytes: -1 })).toThrow(/compactAfterBytes/);
    await expect(store.create({ ...taskRecord('x', 1), seq: 0 })).rejects.toThrow(/record\.seq/);
    await expect(store.create({ ...taskRecord('x', 1), status: 'nope' as 'queued' })).rejects.toThrow(/record\.status/);
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    await expect(store.create(taskRecord('x', store.nextSeq(), { input: circular }))).rejects.toThrow(/JSON-serialisable/);
    await store.create(taskRecord('dup', store.nextSeq()));
    await expect(store.create(taskRecord('dup', store.nextSeq()))).rejects.toThrow(/not in the store/);
    await expect(store.update('dup', null as never)).rejects.toThrow(InvalidArgumentError);
    await expect(store.update('dup', { status: 'bad' as 'queued' })).rejects.toThrow(/patch\.status/);
    await expect(store.get(42 as never, ANY_OWNER)).rejects.toThrow(/Invalid id/);
    await expect(store.get('dup', 42 as never)).rejects.toThrow(/Invalid owner/);
    await expect(store.list({ owner: ANY_OWNER, limit: 0 })).rejects.toThrow(/limit/);
    const unopened = new FileTaskStore(dir);
    expect(() => unopened.nextSeq()).toThrow(StoreUnavailableError);
    await expect(unopened.get('x', ANY_OWNER)).rejects.toThrow(/not open yet/);
  });

  it('works under a TaskManager: create is durable before the handle returns', async () => {
    await store.close();
    const manager = new TaskManager({ store: new FileTaskStore(dir), resources: { enabled: false } });
    const handle = await manager.create({ kind: 'k', fn: async (_i, ctx) => { await ctx.checkpoint({ half: true }); return 'ok'; } });
    expect(await handle.result()).toBe('ok');
    await manager.shutdown();
    store = await FileTaskStore.open(dir);
    expect(await store.get(handle.id, ANY_OWNER)).toMatchObject({ status: 'completed', result: 'ok', checkpoint: { half: true } });
  });
});
