// Servers and workers of one fleet as managers in this process, each with its own Redis
// connections, on the real Redis: what crosses processes crosses Redis here too.
import { afterEach, describe, expect, it } from 'vitest';
import { ANY_OWNER } from '@headway/core';
import type { Reporter, TaskContext, TaskEvent, TaskHandle, TaskManager } from '@headway/core';
import { eventually, sleep, testFleet } from './helpers.js';

function recorder(): Reporter & { events: TaskEvent[]; types(taskId: string): string[] } {
  const events: TaskEvent[] = [];
  return {
    name: 'recorder',
    events,
    onEvent: (event) => void events.push(event),
    types: (taskId) => events.filter((e) => e.taskId === taskId).map((e) => e.type),
  };
}

describe('a fleet on BullMQ (managers in one process)', () => {
  let fleet: ReturnType<typeof testFleet>;
  afterEach(async () => {
    await fleet.close();
  });

  it("runs a server's task on a worker; the server's task reporter gets every event in order, once", async () => {
    fleet = testFleet();
    await fleet.worker((m) =>
      m.define('steps', async (n: number, ctx: TaskContext) => {
        await ctx.progress.phase('items', { total: n }, async (phase) => {
          for (let i = 0; i < n; i++) {
            await sleep(5);
            phase.updateItem(i);
          }
        });
        ctx.log.info('done', { n });
        return { n, pid: process.pid };
      }),
    );
    const server = fleet.server();
    const seen = recorder();
    const task = await server.create({ kind: 'steps', input: 20, reporters: [seen] });
    expect(await task.result()).toEqual({ n: 20, pid: process.pid });
    await eventually(() => seen.types(task.id).includes('completed'));
    const types = seen.types(task.id);
    expect(types[0]).toBe('created');
    expect(types[1]).toBe('started');
    expect(types.at(-1)).toBe('completed');
    expect(types.filter((t) => t === 'started' || t === 'completed' || t === 'created')).toEqual(['created', 'started', 'completed']);
    const progress = seen.events.filter((e) => e.type === 'progress' && !e.heartbeat).map((e) => (e as { progress: number }).progress);
    expect(progress.length).toBeGreaterThan(3);
    expect(progress.every((p, i) => i === 0 || p > progress[i - 1]!)).toBe(true);
    expect(progress.at(-1)).toBe(100);
    expect(types).toContain('log');
  });

  it('cancels from the replica that did not create the task: the worker aborts its signal, the task is cancelled before cancel resolves', async () => {
    fleet = testFleet();
    const aborted: unknown[] = [];
    await fleet.worker((m) =>
      m.define('forever', (_input: unknown, ctx: TaskContext) =>
        new Promise((_, reject) =>
          ctx.signal.addEventListener('abort', () => {
            aborted.push(ctx.signal.reason);
            reject(ctx.signal.reason);
          }),
        ),
      ),
    );
    const a = fleet.server();
    const b = fleet.server();
    const task = await a.create({ kind: 'forever' });
    await eventually(async () => (await b.get(task.id))?.status === 'working');
    const cancelled = await b.cancel(task.id, { reason: 'from B' });
    expect(cancelled.status).toBe('cancelled');
    expect((await a.get(task.id))?.status).toBe('cancelled');
    await eventually(() => aborted.length === 1);
    expect(aborted[0]).toMatchObject({ name: 'TaskCancelledError', message: 'from B' });
    // A queued one is removed from BullMQ's queue and never starts.
    const queued = await a.create({ kind: 'never-defined' });
    expect((await b.cancel(queued.id)).status).toBe('cancelled');
    expect((await a.get(queued.id))?.queuePosition).toBeUndefined();
  });

  it('answers a question a task asks on a worker from another replica', async () => {
    fleet = testFleet();
    await fleet.worker((m) =>
      m.define('ask', async (_input: unknown, ctx: TaskContext) => {
        const answer = await ctx.elicit({ message: 'Which context?', schema: { type: 'object', properties: { context: { type: 'string' } } } });
        return answer.content;
      }),
    );
    const a = fleet.server();
    const b = fleet.server();
    const task = await a.create({ kind: 'ask' });
    await eventually(async () => (await b.get(task.id))?.status === 'input_required');
    const request = (await b.get(task.id))!.inputRequest!;
    await b.respond(task.id, { requestId: request.id, action: 'accept', content: { context: 'dev' } });
    expect(await task.result()).toEqual({ context: 'dev' });
  });

  it('retries with the backoff of the task policy through BullMQ, on whichever worker is free', async () => {
    fleet = testFleet();
    const attempts: number[] = [];
    const define = (m: TaskManager) =>
      m.define('flaky', (_input: unknown, ctx: TaskContext) => {
        attempts.push(Date.now());
        if (ctx.attempt < 3) throw new Error(`attempt ${ctx.attempt} fails`);
        return ctx.attempt;
      });
    await fleet.worker(define);
    await fleet.worker(define);
    const server = fleet.server();
    const seen = recorder();
    const task = await server.create({ kind: 'flaky', retry: { maxAttempts: 3, initialDelayMs: 200, jitter: 'none' }, reporters: [seen] });
    expect(await task.result()).toBe(3);
    expect(attempts[1]! - attempts[0]!).toBeGreaterThanOrEqual(190);
    expect(attempts[2]! - attempts[1]!).toBeGreaterThanOrEqual(390);
    await eventually(() => seen.types(task.id).includes('completed'));
    expect(seen.types(task.id).filter((t) => t === 'retrying')).toHaveLength(2);
  });

  it('limits a kind fleet-wide (BullMQ global concurrency) while each worker would take more', async () => {
    fleet = testFleet();
    let running = 0;
    let most = 0;
    const define = (m: TaskManager) =>
      m.define('exclusive', async () => {
        most = Math.max(most, ++running);
        await sleep(60);
        running--;
      }, { concurrency: 1 });
    await fleet.worker(define);
    await fleet.worker(define);
    const server = fleet.server();
    const tasks = await Promise.all(Array.from({ length: 6 }, () => server.create({ kind: 'exclusive' })));
    await Promise.all(tasks.map((t) => t.wait()));
    expect(most).toBe(1);
  });

  it('positions of waiting tasks come from BullMQ, in creation order, per kind', async () => {
    fleet = testFleet();
    const server = fleet.server();
    const tasks: TaskHandle[] = [];
    for (let i = 0; i < 4; i++) tasks.push(await server.create({ kind: 'later' }));
    const other = await server.create({ kind: 'other' });
    expect(await Promise.all(tasks.map(async (t) => (await t.get())!.queuePosition))).toEqual([1, 2, 3, 4]);
    expect((await other.get())!.queuePosition).toBe(1);
    await server.cancel(tasks[1]!.id);
    expect((await tasks[3]!.get())!.queuePosition).toBe(3);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    await fleet.worker((m) => m.define('later', () => gate), { concurrency: 1 });
    await eventually(async () => (await tasks[0]!.get())!.status === 'working');
    expect((await tasks[2]!.get())!.queuePosition).toBe(1);
    expect((await tasks[0]!.get())!.queuePosition).toBeUndefined();
    release();
    await tasks[3]!.wait();
    expect((await server.get(tasks[3]!.id, { owner: ANY_OWNER }))!.status).toBe('completed');
  });
});
