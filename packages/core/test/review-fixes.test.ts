import { describe, expect, it } from 'vitest';
import { NonRetryableError } from '../src/errors.js';
import { TaskManager } from '../src/manager/task-manager.js';
import { backoffDelay, resolveRetry } from '../src/manager/retry-policy.js';
import { MemoryTaskStore } from '../src/store/memory-store.js';
import { ANY_OWNER } from '../src/store/task-store.js';
import type { OwnerScope } from '../src/store/task-store.js';
import type { TaskRecord } from '../src/task-record.js';
import { recorder, sleep, until } from './helpers.js';

/** The memory store flagged durable: the manager then leaves interrupted tasks for recovery. */
function durableMemoryStore(): MemoryTaskStore {
  const store = new MemoryTaskStore();
  Object.defineProperty(store, 'durable', { value: true });
  return store;
}

describe('shared reporters', () => {
  it('get each task they are given and are never closed by Headway', async () => {
    let closed = 0;
    const shared = { ...recorder('shared'), close: () => { closed++; } };
    const m = new TaskManager();
    for (let i = 0; i < 3; i++) await (await m.create({ kind: 'k', fn: () => i, sharedReporters: [shared] })).wait();
    await m.hub.flush();
    expect(shared.of('completed')).toHaveLength(3);
    const running = await m.create({ kind: 'k', fn: () => new Promise(() => {}), sharedReporters: [shared] });
    await until(async () => (await m.get(running.id))?.status === 'working');
    await m.shutdown({ mode: 'abort', timeoutMs: 100 });
    expect(closed).toBe(0);
  });
});

describe('shutdown with a durable store', () => {
  it('records a real failure during a drain, and leaves only tasks interrupted by the shutdown for recovery', async () => {
    const store = durableMemoryStore();
    const m = new TaskManager({ store });
    const failing = await m.create({ kind: 'k', fn: async () => { await sleep(30); throw new NonRetryableError('real failure'); } });
    const stubborn = await m.create({
      kind: 'k',
      fn: (_i, ctx) => new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason))),
    });
    await until(async () => (await m.get(stubborn.id))?.status === 'working');
    const waited = m.wait(stubborn.id);
    await m.shutdown({ mode: 'drain', timeoutMs: 200 });
    expect(await store.get(failing.id, ANY_OWNER)).toMatchObject({ status: 'failed', error: { message: 'real failure' } });
    expect((await store.get(stubborn.id, ANY_OWNER))!.status).toBe('working');
    // A waiter is answered with the state the task was left in, not left hanging.
    expect((await waited).status).toBe('working');
  });

  it('sweeps records whose TTL ran out while the process was down', async () => {
    const store = durableMemoryStore();
    const first = new TaskManager({ store });
    const handle = await first.create({ kind: 'k', ttlMs: 20, fn: () => 'old' });
    await handle.wait();
    await first.shutdown();
    await sleep(40);
    const second = new TaskManager({ store });
    await second.start();
    expect(await second.get(handle.id)).toBeUndefined();
    await second.shutdown();
  });
});

describe('cancelled while its dependencies are read', () => {
  it('does not start', async () => {
    let slow = false;
    class SlowReads extends MemoryTaskStore {
      override async get(id: string, owner: OwnerScope): Promise<TaskRecord | undefined> {
        if (slow && owner === ANY_OWNER) await sleep(100);
        return super.get(id, owner);
      }
    }
    const rec = recorder();
    const m = new TaskManager({ store: new SlowReads(), reporters: [rec] });
    const dep = await m.create({ kind: 'k', fn: () => 'A' });
    await dep.wait();
    slow = true;
    let ran = false;
    const task = await m.create({ kind: 'k', dependsOn: [dep.id], fn: () => { ran = true; } });
    await until(async () => (await m.get(task.id))?.status === 'working');
    await task.cancel();
    await sleep(200);
    await m.hub.flush();
    expect(ran).toBe(false);
    expect(rec.of('started', task.id)).toHaveLength(0);
    expect(m.stats().running).toBe(0);
    await m.shutdown();
  });
});

describe('backoff jitter', () => {
  it('full jitter stays within [0, delay], equal within [delay/2, delay], both capped by maxDelayMs', () => {
    const policy = resolveRetry({ maxAttempts: 10, initialDelayMs: 100, factor: 2, maxDelayMs: 1000 });
    expect(backoffDelay({ ...policy, jitter: 'full' }, 2, () => 0)).toBe(0);
    expect(backoffDelay({ ...policy, jitter: 'full' }, 3, () => 0.999)).toBeCloseTo(199.8);
    expect(backoffDelay({ ...policy, jitter: 'equal' }, 3, () => 0)).toBe(100);
    expect(backoffDelay({ ...policy, jitter: 'equal' }, 3, () => 1)).toBe(200);
    expect(backoffDelay({ ...policy, jitter: 'full' }, 9, () => 1)).toBe(1000);
    const samples = Array.from({ length: 200 }, () => backoffDelay({ ...policy, jitter: 'full' }, 4));
    expect(Math.min(...samples)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...samples)).toBeLessThanOrEqual(400);
    expect(new Set(samples).size).toBeGreaterThan(150);
  });
});
