// A start the store could not take (queued → working): a shared store away for a moment hands the
// task back to the scheduler, queued, to start again after a bounded backoff without using an
// attempt; any other failure fails the task as before.
import { afterEach, describe, expect, it } from 'vitest';
import { HeadwayError, TaskManager } from '../src/index.js';
import type { CompletedEvent, StartedEvent, TaskContext } from '../src/index.js';
import { MemoryTaskStore } from '../src/spi.js';
import { START_BACKOFF, backoffDelay } from '../src/manager/retry-policy.js';
import { StartOutageStore } from '../src/testing/start-outage-store.js';
import type { StartOutageOptions } from '../src/testing/start-outage-store.js';
import { recorder, sleep, until } from './helpers.js';

describe('a start the store could not take', () => {
  const managers: TaskManager[] = [];
  afterEach(async () => {
    for (const m of managers.splice(0)) await m.shutdown({ mode: 'abort', timeoutMs: 2000 });
  });

  function setup(options: StartOutageOptions) {
    const store = new StartOutageStore(new MemoryTaskStore(), options);
    const events = recorder();
    const m = new TaskManager({ store, reporters: [events] });
    managers.push(m);
    const runs: number[] = [];
    m.define(
      'double',
      (n: number, ctx: TaskContext) => {
        runs.push(ctx.attempt);
        return n * 2;
      },
      { retry: { maxAttempts: 3, initialDelayMs: 10 } },
    );
    return { m, store, events, runs };
  }

  it('is tried again, with the task queued meanwhile, and the task completes on its first attempt', async () => {
    const { m, store, events, runs } = setup({ failures: 4 });
    const task = await m.create({ kind: 'double', input: 21 });
    await until(() => store.failedStarts(task.id) === 1);
    expect((await task.get())?.status).toBe('queued');
    expect(await task.wait({ timeoutMs: 5000 })).toMatchObject({ status: 'completed', result: 42, attempt: 1, error: undefined });
    expect(store.failedStarts(task.id)).toBe(4);
    expect(runs).toEqual([1]);
    expect(events.of('started', task.id)).toHaveLength(1);
    expect(events.of('retrying', task.id)).toHaveLength(0);
    expect(events.of('failed', task.id)).toHaveLength(0);
  });

  it('uses none of the attempts of a task that has only one', async () => {
    const { m, store, runs } = setup({ failures: 2 });
    const task = await m.create({ kind: 'double', input: 1, retry: { maxAttempts: 1 } });
    expect(await task.wait({ timeoutMs: 5000 })).toMatchObject({ status: 'completed', result: 2, attempt: 1 });
    expect(store.failedStarts(task.id)).toBe(2);
    expect(runs).toEqual([1]);
  });

  it('runs the task once when a start that failed had reached the store (its answer lost)', async () => {
    const { m, store, runs } = setup({ failures: 2, landed: true });
    const task = await m.create({ kind: 'double', input: 5, retry: { maxAttempts: 1 } });
    expect(await task.wait({ timeoutMs: 5000 })).toMatchObject({ status: 'completed', result: 10, attempt: 1 });
    // The next try reads the task first, finds it working since the first try, and writes nothing.
    expect(store.failedStarts(task.id)).toBe(1);
    expect(runs).toEqual([1]);
  });

  it('starts the task at the time of the start that got through, so its duration leaves the outage out', async () => {
    const failedAt: number[] = [];
    const { m, events } = setup({ failures: 3, error: () => (failedAt.push(Date.now()), new HeadwayError('store_unavailable', 'away')) });
    const task = await m.create({ kind: 'double', input: 2 });
    const done = await task.wait({ timeoutMs: 5000 });
    expect(done).toMatchObject({ status: 'completed', result: 4, attempt: 1 });
    expect(failedAt).toHaveLength(3);
    expect(done.startedAt).toBeGreaterThan(failedAt[2]!);
    await m.flush();
    const [started] = events.of('started', task.id) as StartedEvent[];
    const [completed] = events.of('completed', task.id) as CompletedEvent[];
    expect(started).toMatchObject({ at: done.startedAt, queueWaitMs: done.startedAt! - done.createdAt });
    expect(completed!.durationMs).toBe(done.finishedAt! - done.startedAt!);
    expect(completed!.durationMs).toBeLessThan(failedAt[2]! - failedAt[0]!);
  });

  it('starts the task at the time of the try that reached the store, when a later one finds it there', async () => {
    const failedAt: number[] = [];
    // The first try never reached the store; the second did, and its answer was lost.
    const { m, store, runs } = setup({ failures: 2, landed: (failure) => failure === 2, error: () => (failedAt.push(Date.now()), new HeadwayError('store_unavailable', 'away')) });
    const task = await m.create({ kind: 'double', input: 3, retry: { maxAttempts: 1 } });
    const done = await task.wait({ timeoutMs: 5000 });
    expect(done).toMatchObject({ status: 'completed', result: 6, attempt: 1 });
    expect(store.failedStarts(task.id)).toBe(2);
    expect(runs).toEqual([1]);
    expect(done.startedAt).toBeGreaterThan(failedAt[0]!);
    expect(done.startedAt).toBeLessThanOrEqual(failedAt[1]!);
  });

  it('waits a bounded backoff between tries: exponential from 100 ms, at most 5 s', () => {
    const longest = (tries: number) => backoffDelay(START_BACKOFF, tries + 1, () => 1);
    expect([1, 2, 3, 4].map(longest)).toEqual([100, 200, 400, 800]);
    expect(longest(50)).toBe(5000);
    expect(backoffDelay(START_BACKOFF, 2, () => 0)).toBe(50);
  });

  it('is not tried again once the task is cancelled', async () => {
    const { m, store, events, runs } = setup({ failures: Infinity });
    const task = await m.create({ kind: 'double', input: 1 });
    await until(() => store.failedStarts(task.id) >= 2);
    expect((await task.cancel('not needed')).status).toBe('cancelled');
    const tries = store.failedStarts(task.id);
    await sleep(600);
    expect(store.failedStarts(task.id)).toBeLessThanOrEqual(tries + 1);
    expect(await task.wait()).toMatchObject({ status: 'cancelled', attempt: 1 });
    expect(runs).toEqual([]);
    expect(events.of('started', task.id)).toHaveLength(0);
  });

  it('fails the task as before when the failure is not a passing outage', async () => {
    const { m, runs } = setup({ failures: 1, error: () => new Error('disk full') });
    const task = await m.create({ kind: 'double', input: 1 });
    const ended = await task.wait({ timeoutMs: 5000 });
    expect(ended).toMatchObject({ status: 'failed', attempt: 1, error: { name: 'StoreWriteError', code: 'store_write_failed' } });
    expect(ended.error?.message).toContain('disk full');
    expect(runs).toEqual([]);
  });

  it('fails the task as before when a store of this process only is unavailable (it does not come back by itself)', async () => {
    const { m, runs } = setup({ failures: 1, shared: false });
    const task = await m.create({ kind: 'double', input: 1 });
    expect(await task.wait({ timeoutMs: 5000 })).toMatchObject({ status: 'failed', attempt: 1, error: { code: 'store_write_failed' } });
    expect(runs).toEqual([]);
  });
});
