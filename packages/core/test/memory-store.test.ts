import { describe, expect, it } from 'vitest';
import { MemoryTaskStore } from '../src/store/memory-store.js';
import { ANY_OWNER } from '../src/store/task-store.js';
import type { TaskRecord } from '../src/task-record.js';

function record(store: MemoryTaskStore, id: string, owner = 'o', status: TaskRecord['status'] = 'queued'): TaskRecord {
  return { id, owner, kind: 'k', seq: store.nextSeq(), status, metadata: {}, progress: 0, attempt: 1, maxAttempts: 1, createdAt: 0, ttlMs: 10, dependsOn: [], resumable: false };
}

describe('MemoryTaskStore', () => {
  it('compare-and-set on status; terminal is final', async () => {
    const store = new MemoryTaskStore();
    await store.create(record(store, 'a'));
    expect((await store.update('a', { status: 'working' }, { expect: ['working'] })).ok).toBe(false);
    expect((await store.update('a', { status: 'working' }, { expect: ['queued'] })).ok).toBe(true);
    expect((await store.update('a', { status: 'completed', result: 1 })).ok).toBe(true);
    const late = await store.update('a', { status: 'failed' });
    expect(late).toMatchObject({ ok: false, record: { status: 'completed', result: 1 } });
    expect((await store.update('zzz', { progress: 1 })).ok).toBe(false);
  });

  it('returns copies, scopes reads by owner and counts unfinished tasks', async () => {
    const store = new MemoryTaskStore();
    await store.create(record(store, 'a', 'alice'));
    await store.create(record(store, 'b', 'bob'));
    const copy = (await store.get('a', 'alice'))!;
    copy.status = 'failed';
    expect((await store.get('a', 'alice'))!.status).toBe('queued');
    expect(await store.get('a', 'bob')).toBeUndefined();
    expect(await store.get('a', ANY_OWNER)).toBeDefined();
    expect(await store.countActive('alice')).toBe(1);
    await store.update('a', { status: 'cancelled' });
    expect(await store.countActive('alice')).toBe(0);
  });

  it('sweeps only terminal records past expiry, and lists stay consistent after', async () => {
    const store = new MemoryTaskStore();
    for (let i = 0; i < 200; i++) await store.create(record(store, `t${i}`));
    for (let i = 0; i < 150; i++) await store.update(`t${i}`, { status: 'completed', expiresAt: 5 });
    expect(await store.sweep(10)).toBe(150);
    const page = await store.list({ owner: 'o', limit: 1000 });
    expect(page.tasks.map((t) => t.id)).toEqual(Array.from({ length: 50 }, (_, i) => `t${i + 150}`));
    const filtered = await store.list({ owner: ANY_OWNER, status: ['queued'], limit: 10 });
    expect(filtered.tasks).toHaveLength(10);
    expect(filtered.nextCursor).toBeDefined();
  });
});
