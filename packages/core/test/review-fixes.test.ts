import { describe, expect, it } from 'vitest';
import { ANY_OWNER, NonRetryableError, TaskManager } from '../src/index.js';
import type { OwnerScope } from '../src/index.js';
import { backoffDelay, MemoryTaskStore, resolveRetry } from '../src/spi.js';
import type { TaskRecord } from '../src/spi.js';
import { recorder, sleep, until } from './helpers.js';

/** The memory store flagged durable: the manager then leaves interrupted tasks for recovery. */
function durableMemoryStore(): MemoryTaskStore {
  const store = new MemoryTaskStore();
  Object.defineProperty(store, 'durable', { value: true });
  return store;
}

describe('who closes a reporter', () => {
  it('the manager closes its own and per-kind reporters at shutdown, and a per-task one when its task ends', async () => {
    const closed: string[] = [];
    const sink = (name: string) => ({ ...recorder(name), close: () => { closed.push(name); } });
    const m = new TaskManager({ reporters: [sink('manager')] });
    m.define('k', () => 1, { reporters: [sink('kind')] });
    for (let i = 0; i < 3; i++) await (await m.create({ kind: 'k' })).wait();
    const task = await m.create({ kind: 'k', reporters: [sink('task')] });
    await task.wait();
    await m.flush();
    expect(closed).toEqual(['task']);
    await m.shutdown();
    expect(closed.sort()).toEqual(['kind', 'manager', 'task']);
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
    await m.flush();
    expect(ran).toBe(false);
    expect(rec.of('started', task.id)).toHaveLength(0);
    expect(m.stats().tasks.running).toBe(0);
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

describe('the progress a task reached, on its failed, cancelled and retrying events', () => {
  it('is the value reached, even when the last update was still throttled', async () => {
    const events = recorder();
    const manager = new TaskManager({ reporters: [events], retry: { maxAttempts: 2, initialDelayMs: 1, jitter: 'none' } });
    let attempts = 0;
    const flaky = await manager.create({
      kind: 'flaky',
      fn: (_input, ctx) => {
        attempts++;
        ctx.progress.update(35);
        ctx.progress.update(attempts === 1 ? 40 : 60);
        throw new Error(`attempt ${attempts} broke`);
      },
    });
    await flaky.wait();
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const long = await manager.create({
      kind: 'long',
      fn: async (_input, ctx) => {
        ctx.progress.update(12);
        ctx.progress.update(17);
        started();
        await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
      },
    });
    await running;
    await long.cancel('enough');
    await manager.flush();
    const progressOf = (type: 'retrying' | 'failed' | 'cancelled', taskId: string) =>
      (events.of(type, taskId)[0] as { progress: number } | undefined)?.progress;
    expect(progressOf('retrying', flaky.id)).toBe(40);
    expect(progressOf('failed', flaky.id)).toBe(60);
    expect(progressOf('cancelled', long.id)).toBe(17);
    const queuedManager = new TaskManager({ reporters: [events], concurrency: 1 });
    let release!: () => void;
    await queuedManager.create({ kind: 'blocker', fn: () => new Promise<void>((resolve) => (release = resolve)) });
    const queued = await queuedManager.create({ kind: 'queued', fn: () => 'never' });
    await queued.cancel('not needed');
    release();
    await queuedManager.flush();
    expect(progressOf('cancelled', queued.id)).toBe(0);
    await manager.shutdown();
    await queuedManager.shutdown();
  });
});

describe('resource figures of short tasks', () => {
  it('count the CPU time of each attempt, not of the one before it', async () => {
    const events = recorder();
    const manager = new TaskManager({ reporters: [events] });
    const busy = (ms: number) => () => {
      const until = performance.now() + ms;
      while (performance.now() < until);
    };
    // The process's own CPU time around each task bounds what the task may report (the test does
    // not compare with wall time, which a loaded machine stretches).
    const measured: number[] = [];
    const ids: string[] = [];
    for (const ms of [30, 45]) {
      const before = process.cpuUsage();
      const task = await manager.create({ kind: 'busy', fn: busy(ms) });
      await task.wait();
      const used = process.cpuUsage(before);
      measured.push((used.user + used.system) / 1000);
      ids.push(task.id);
    }
    await manager.flush();
    ids.forEach((id, i) => {
      const end = events.of('resources', id).find((e) => (e as { sample: string }).sample === 'end') as unknown as { cpuUserMs: number; cpuSystemMs: number };
      const cpu = end.cpuUserMs + end.cpuSystemMs;
      // The process figure also holds other threads' CPU (GC, the test runner), so only its upper bound is tight.
      expect(cpu).toBeGreaterThan(measured[i]! * 0.2);
      expect(cpu).toBeLessThanOrEqual(measured[i]! + 2);
    });
    await manager.shutdown();
  });
});

describe('event times', () => {
  it("a started event carries its record's startedAt, however long the store took to write it", async () => {
    // A store that answers writes 5 ms late: the time the record says and the time the event is sent differ.
    class SlowStore extends MemoryTaskStore {
      override async update(...args: Parameters<MemoryTaskStore['update']>): ReturnType<MemoryTaskStore['update']> {
        const result = await super.update(...args);
        await sleep(5);
        return result;
      }
    }
    const rec = recorder('times');
    const m = new TaskManager({ store: new SlowStore(), reporters: [rec] });
    const task = await m.create({ kind: 'k', fn: () => 1 });
    await task.wait();
    await m.flush();
    const record = (await m.get(task.id))!;
    const started = rec.events.find((e) => e.type === 'started')!;
    expect(record.startedAt).toBeDefined();
    expect(started.at).toBe(record.startedAt);
    await m.shutdown();
  });
});
