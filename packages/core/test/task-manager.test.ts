import { afterEach, describe, expect, it } from 'vitest';
import { ANY_OWNER, InvalidArgumentError, NonRetryableError, TaskFailedError, TaskLimitError, TaskManager, TaskNotFoundError } from '../src/index.js';
import type { TaskEvent, TaskManagerOptions } from '../src/index.js';
import { isTaskIdShape, MemoryTaskStore } from '../src/spi.js';
import { recorder, sleep, until } from './helpers.js';

const managers: TaskManager[] = [];
function manager(options: TaskManagerOptions = {}): TaskManager {
  const m = new TaskManager({ progress: { minIntervalMs: 0 }, ...options });
  managers.push(m);
  return m;
}
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.shutdown({ mode: 'abort', timeoutMs: 1000 })));
});

/** A function that waits until released or aborted. */
function gated() {
  let release!: (value?: unknown) => void;
  const gate = new Promise((resolve) => (release = resolve));
  let started = 0;
  const fn = async (_input: unknown, ctx: { signal: AbortSignal }) => {
    started++;
    await Promise.race([
      gate,
      new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true })),
    ]);
    return 'done';
  };
  return { fn, release, started: () => started };
}

describe('TaskManager lifecycle', () => {
  it('creates, runs and completes a task, with lifecycle events in order and 128-bit ids', async () => {
    const rec = recorder();
    const m = manager({ reporters: [rec] });
    const handle = await m.create({ kind: 'export', input: { n: 3 }, fn: async (input: { n: number }) => input.n * 2 });
    expect(isTaskIdShape(handle.id)).toBe(true);
    expect(Buffer.from(handle.id, 'base64url')).toHaveLength(16);
    expect(await handle.result()).toBe(6);
    const record = await m.get(handle.id);
    expect(record).toMatchObject({ status: 'completed', result: 6, progress: 100, attempt: 1 });
    expect(record!.expiresAt).toBe(record!.finishedAt! + record!.ttlMs);
    await m.flush();
    const types = rec.events.filter((e) => e.type !== 'resources').map((e) => e.type);
    expect(types).toEqual(['created', 'started', 'progress', 'completed']);
    expect(rec.of('resources').map((e) => (e as { sample: string }).sample)).toEqual(['start', 'end']);
  });

  it('records handed out (get, wait, cancel, list) are copies: changing them changes nothing stored', async () => {
    const m = manager();
    const done = await m.create({ kind: 'k', fn: () => 'kept' });
    type Writable = { status: string; result?: unknown };
    const waited = (await done.wait()) as Writable;
    waited.status = 'failed';
    waited.result = 'tampered';
    ((await m.get(done.id)) as Writable).status = 'failed';
    ((await m.list()).tasks[0] as Writable).status = 'failed';
    expect(await m.get(done.id)).toMatchObject({ status: 'completed', result: 'kept' });
    const g = gated();
    const running = await m.create({ kind: 'k', fn: g.fn });
    const cancelled = (await running.cancel()) as Writable;
    cancelled.status = 'completed';
    expect((await m.get(running.id))!.status).toBe('cancelled');
  });

  it('ids are unique and unpredictable across many tasks', async () => {
    const m = manager();
    const ids = new Set<string>();
    for (let i = 0; i < 500; i++) ids.add((await m.create({ kind: 'k', fn: () => i })).id);
    expect(ids.size).toBe(500);
  });

  it('a thrown error fails the task with the error recorded', async () => {
    const m = manager();
    const handle = await m.create({ kind: 'k', fn: async () => { throw new Error('registry unreachable'); } });
    await expect(handle.result()).rejects.toBeInstanceOf(TaskFailedError);
    expect(await m.get(handle.id)).toMatchObject({ status: 'failed', error: { name: 'Error', message: 'registry unreachable' } });
  });

  it('terminal status is final: a late cancel changes nothing', async () => {
    const m = manager();
    const handle = await m.create({ kind: 'k', fn: () => 'ok' });
    await handle.wait();
    const after = await handle.cancel();
    expect(after.status).toBe('completed');
  });

  it('wait with a timeout returns the current state without waiting for the end', async () => {
    const m = manager();
    const g = gated();
    const handle = await m.create({ kind: 'k', fn: g.fn });
    await until(() => g.started() === 1);
    const record = await handle.wait({ timeoutMs: 20 });
    expect(record.status).toBe('working');
    g.release();
    expect((await handle.wait()).status).toBe('completed');
  });
});

describe('cancellation', () => {
  it('cancelling a running task aborts its signal and leaves it cancelled at once', async () => {
    const m = manager();
    let reason: unknown;
    const handle = await m.create({
      kind: 'k',
      fn: async (_i, ctx) => {
        await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
        reason = ctx.signal.reason;
        return 'late';
      },
    });
    await until(async () => (await m.get(handle.id))?.status === 'working');
    const record = await handle.cancel('user asked');
    expect(record.status).toBe('cancelled');
    expect((reason as Error).name).toBe('TaskCancelledError');
    await sleep(10);
    expect((await m.get(handle.id))!.status).toBe('cancelled');
  });

  it('a task that ignores its signal is still cancelled at once, and its late result is discarded', async () => {
    const rec = recorder();
    const m = manager({ reporters: [rec] });
    let finish!: () => void;
    const handle = await m.create({ kind: 'k', fn: () => new Promise((resolve) => (finish = () => resolve('late result'))) });
    await until(() => finish);
    expect((await handle.cancel()).status).toBe('cancelled');
    finish();
    await sleep(20);
    const record = await m.get(handle.id);
    expect(record!.status).toBe('cancelled');
    expect(record!.result).toBeUndefined();
    await m.flush();
    expect(rec.of('completed')).toHaveLength(0);
    expect(rec.of('cancelled')).toHaveLength(1);
  });

  it('a queued task can be cancelled before it starts and never runs', async () => {
    const m = manager({ concurrency: 1 });
    const g = gated();
    await m.create({ kind: 'k', fn: g.fn });
    let ran = false;
    const queued = await m.create({ kind: 'k', fn: () => { ran = true; } });
    expect((await queued.cancel()).status).toBe('cancelled');
    g.release();
    await sleep(20);
    expect(ran).toBe(false);
  });
});

describe('scheduling', () => {
  it('respects the global concurrency limit and shows queue positions', async () => {
    const m = manager({ concurrency: 2 });
    const g = gated();
    const handles = [];
    for (let i = 0; i < 5; i++) handles.push(await m.create({ kind: 'k', fn: g.fn }));
    await until(() => g.started() === 2);
    await sleep(10);
    expect(g.started()).toBe(2);
    const positions = await Promise.all(handles.map(async (h) => (await h.get())!.queuePosition));
    expect(positions).toEqual([undefined, undefined, 1, 2, 3]);
    g.release();
    await Promise.all(handles.map((h) => h.wait()));
    expect(g.started()).toBe(5);
  });

  it('respects per-kind limits while other kinds keep running', async () => {
    const m = manager({ concurrency: 10, kindConcurrency: { heavy: 1 } });
    const heavy = gated();
    const light = gated();
    for (let i = 0; i < 3; i++) await m.create({ kind: 'heavy', fn: heavy.fn });
    for (let i = 0; i < 3; i++) await m.create({ kind: 'light', fn: light.fn });
    await until(() => light.started() === 3);
    expect(heavy.started()).toBe(1);
    heavy.release();
    light.release();
  });

  it('times out an attempt: the signal aborts and the task fails with a timeout error', async () => {
    const m = manager();
    const handle = await m.create({ kind: 'k', timeoutMs: 30, fn: (_i, ctx) => new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason))) });
    const record = await handle.wait();
    expect(record).toMatchObject({ status: 'failed', error: { name: 'TaskTimeoutError', code: 'timeout' } });
  });

  it('retries with exponential backoff, then succeeds; attempts are visible to the task', async () => {
    const rec = recorder();
    const m = manager({ reporters: [rec] });
    const attempts: number[] = [];
    const handle = await m.create({
      kind: 'k',
      retry: { maxAttempts: 3, initialDelayMs: 10, jitter: 'none' },
      fn: (_i, ctx) => {
        attempts.push(ctx.attempt);
        if (ctx.attempt < 3) throw new Error(`flaky ${ctx.attempt}`);
        return 'third time';
      },
    });
    expect(await handle.result()).toBe('third time');
    expect(attempts).toEqual([1, 2, 3]);
    await m.flush();
    const retries = rec.of('retrying') as Extract<TaskEvent, { type: 'retrying' }>[];
    expect(retries.map((r) => r.delayMs)).toEqual([10, 20]);
    expect(retries.map((r) => r.nextAttempt)).toEqual([2, 3]);
  });

  it('never retries a NonRetryableError', async () => {
    const m = manager();
    let calls = 0;
    const handle = await m.create({ kind: 'k', retry: { maxAttempts: 5, initialDelayMs: 1 }, fn: () => { calls++; throw new NonRetryableError('bad schema'); } });
    expect((await handle.wait()).status).toBe('failed');
    expect(calls).toBe(1);
  });

  it('gives up after maxAttempts with the last error', async () => {
    const m = manager();
    const handle = await m.create({ kind: 'k', retry: { maxAttempts: 2, initialDelayMs: 1 }, fn: (_i, ctx) => { throw new Error(`fail ${ctx.attempt}`); } });
    expect(await handle.wait()).toMatchObject({ status: 'failed', attempt: 2, error: { message: 'fail 2' } });
  });
});

describe('progress through the manager', () => {
  it('delivers monotonic progress ending at 100, persisted on the record', async () => {
    const rec = recorder();
    const m = manager({ reporters: [rec] });
    const handle = await m.create({
      kind: 'k',
      fn: async (_i, ctx) => {
        ctx.progress.update(10, 'fetched');
        await ctx.progress.phase('items', { total: 20, to: 90 }, async (phase) => {
          for (let i = 0; i < 20; i++) {
            phase.updateItem(i);
            await sleep(1);
          }
        });
        ctx.log.info('all deleted', { deleted: 20 });
        return 20;
      },
    });
    await handle.wait();
    await m.flush();
    const values = rec.of('progress').map((e) => (e as { progress: number }).progress);
    expect(values.every((v, i) => i === 0 || v >= values[i - 1]!)).toBe(true);
    expect(values.at(-1)).toBe(100);
    expect(rec.of('milestone').map((e) => (e as { milestone: number }).milestone)).toEqual([25, 50, 75]);
    expect(rec.of('log')[0]).toMatchObject({ level: 'info', message: 'all deleted', data: { deleted: 20 } });
  });

  it('sends heartbeats while a task is silent', async () => {
    const rec = recorder();
    const m = manager({ reporters: [rec], progress: { heartbeatMs: 100 } });
    const beats = () => rec.of('progress').filter((e) => (e as { heartbeat?: boolean }).heartbeat);
    let release!: () => void;
    const silent = new Promise<void>((resolve) => (release = resolve));
    const handle = await m.create({ kind: 'k', fn: async (_i, ctx) => { ctx.progress.update(5); await silent; } });
    // The task stays silent until two heartbeats went out, however slow the machine is.
    await until(() => beats().length >= 2, 10_000);
    release();
    await handle.wait();
    await m.flush();
    expect(beats().every((b) => (b as { progress: number }).progress === 5)).toBe(true);
  });

  it('checkpoints are stored and a retry resumes from them', async () => {
    const m = manager();
    const seen: unknown[] = [];
    const handle = await m.create({
      kind: 'k',
      retry: { maxAttempts: 2, initialDelayMs: 1 },
      fn: async (_i, ctx) => {
        seen.push(ctx.resumeFrom);
        await ctx.checkpoint({ next: ctx.attempt * 10 });
        if (ctx.attempt === 1) throw new Error('crash after checkpoint');
        return 'ok';
      },
    });
    await handle.wait();
    expect(seen).toEqual([undefined, { next: 10 }]);
    expect((await m.get(handle.id))!.checkpoint).toEqual({ next: 20 });
  });

  it('awaitInput moves the task to input_required and back', async () => {
    const m = manager();
    let answer!: (v: string) => void;
    const handle = await m.create({
      kind: 'k',
      fn: (_i, ctx) => ctx.awaitInput('Which registry?', () => new Promise<string>((resolve) => (answer = resolve))),
    });
    await until(async () => (await m.get(handle.id))?.status === 'input_required');
    expect((await m.get(handle.id))!.statusMessage).toBe('Which registry?');
    answer('prod');
    expect(await handle.result()).toBe('prod');
  });
});

describe('owners and limits', () => {
  it("another owner's task behaves exactly like a missing one", async () => {
    const m = manager();
    const alice = await m.create({ kind: 'k', owner: 'alice', fn: () => 'secret' });
    await alice.wait();
    expect(await m.get(alice.id, { owner: 'bob' })).toBeUndefined();
    const missing = 'AAAAAAAAAAAAAAAAAAAAAA';
    const errors = (await Promise.all([
      m.cancel(alice.id, { owner: 'bob' }).catch((e: Error) => e),
      m.cancel(missing, { owner: 'bob' }).catch((e: Error) => e),
      m.wait(alice.id, { owner: 'bob' }).catch((e: Error) => e),
      m.wait(missing, { owner: 'bob' }).catch((e: Error) => e),
    ])) as Error[];
    for (const e of errors) expect(e).toBeInstanceOf(TaskNotFoundError);
    expect(errors[0]!.message.replace(alice.id, 'X')).toBe(errors[1]!.message.replace(missing, 'X'));
    expect((await m.list({ owner: 'bob' })).tasks).toEqual([]);
    expect((await m.list({ owner: 'alice' })).tasks.map((t) => t.id)).toEqual([alice.id]);
    expect((await m.list({ owner: ANY_OWNER })).tasks).toHaveLength(1);
  });

  it('caps unfinished tasks per owner with a clear error, other owners unaffected', async () => {
    const m = manager({ maxActivePerOwner: 3 });
    const g = gated();
    for (let i = 0; i < 3; i++) await m.create({ kind: 'k', owner: 'alice', fn: g.fn });
    await expect(m.create({ kind: 'k', owner: 'alice', fn: g.fn })).rejects.toBeInstanceOf(TaskLimitError);
    await expect(m.create({ kind: 'k', owner: 'bob', fn: () => 1 })).resolves.toBeDefined();
    g.release();
  });

  it('enforces the maximum TTL and sweeps expired records', async () => {
    const m = manager({ maxTtlMs: 60_000, sweepIntervalMs: 20 });
    await expect(m.create({ kind: 'k', ttlMs: 60_001, fn: () => 1 })).rejects.toThrow(/ttlMs: 60001 .*maxTtlMs/);
    const short = await m.create({ kind: 'k', ttlMs: 30, fn: () => 1 });
    const long = await m.create({ kind: 'k', ttlMs: 60_000, fn: () => 1 });
    await short.wait();
    await long.wait();
    await until(async () => (await m.get(short.id)) === undefined, 3000);
    expect(await m.get(long.id)).toBeDefined();
  });

  it('paginates a list with an opaque cursor', async () => {
    const m = manager();
    for (let i = 0; i < 7; i++) await m.create({ kind: 'k', fn: () => i });
    const first = await m.list({ limit: 3 });
    const second = await m.list({ limit: 3, cursor: first.nextCursor! });
    const third = await m.list({ limit: 3, cursor: second.nextCursor! });
    expect([first, second, third].map((p) => p.tasks.length)).toEqual([3, 3, 1]);
    expect(third.nextCursor).toBeUndefined();
    expect(new Set([...first.tasks, ...second.tasks, ...third.tasks].map((t) => t.id)).size).toBe(7);
    await expect(m.list({ cursor: 'garbage!' })).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});

describe('dependencies', () => {
  it('starts a task when its dependencies completed and hands it their results', async () => {
    const m = manager();
    const a = await m.create({ kind: 'k', fn: async () => { await sleep(20); return 'A'; } });
    const b = await m.create({ kind: 'k', fn: () => 'B' });
    const c = await m.create({ kind: 'k', dependsOn: [a.id, b.id], fn: (_i, ctx) => ctx.dependencies });
    expect(await c.result()).toEqual({ [a.id]: 'A', [b.id]: 'B' });
  });

  it('fails the dependent with a clear error when a dependency fails, cascading', async () => {
    const m = manager();
    const a = await m.create({ kind: 'k', fn: async () => { await sleep(10); throw new Error('nope'); } });
    const b = await m.create({ kind: 'k', dependsOn: [a.id], fn: () => 'never' });
    const c = await m.create({ kind: 'k', dependsOn: [b.id], fn: () => 'never' });
    expect(await b.wait()).toMatchObject({ status: 'failed', error: { code: 'dependency_failed', message: `Dependency ${a.id} ended failed` } });
    expect(await c.wait()).toMatchObject({ status: 'failed', error: { code: 'dependency_failed' } });
  });

  it('runs anyway when asked to, even after a cancelled dependency', async () => {
    const m = manager();
    const g = gated();
    const a = await m.create({ kind: 'k', fn: g.fn });
    const b = await m.create({ kind: 'k', dependsOn: [a.id], runOnDependencyFailure: true, fn: (_i, ctx) => Object.keys(ctx.dependencies).length });
    await a.cancel();
    expect(await b.result()).toBe(0);
  });

  it('rejects a dependency on a missing or foreign task, and cycles', async () => {
    const m = manager();
    const foreign = await m.create({ kind: 'k', owner: 'bob', fn: () => 1 });
    await expect(m.create({ kind: 'k', dependsOn: ['AAAAAAAAAAAAAAAAAAAAAA'], fn: () => 1 })).rejects.toThrow(/dependsOn: "AAAAAAAAAAAAAAAAAAAAAA"/);
    await expect(m.create({ kind: 'k', owner: 'alice', dependsOn: [foreign.id], fn: () => 1 })).rejects.toBeInstanceOf(InvalidArgumentError);
    // A cycle can only come from records written outside this manager (a shared or restored store).
    const store = new MemoryTaskStore();
    const shared = manager({ store });
    const x = await shared.create({ kind: 'k', fn: () => 1 });
    const y = await shared.create({ kind: 'k', dependsOn: [x.id], fn: () => 1 });
    await y.wait();
    (store.peek(x.id, ANY_OWNER) as unknown as { dependsOn: string[] }).dependsOn = [y.id];
    await expect(shared.create({ kind: 'k', dependsOn: [y.id], fn: () => 1 })).rejects.toThrow(/cycle/);
  });
});

describe('reporters per kind and per task', () => {
  it('a kind reporter sees only its kind, stays open across tasks, and closes with the manager', async () => {
    let closed = 0;
    const kindSink = { ...recorder('kind'), close: () => { closed++; } };
    const m = manager();
    m.define('export', () => 'ok', { reporters: [kindSink] });
    for (let i = 0; i < 3; i++) await (await m.create({ kind: 'export' })).wait();
    await (await m.create({ kind: 'other', fn: () => 1 })).wait();
    await m.flush();
    expect(kindSink.of('completed')).toHaveLength(3);
    expect(kindSink.events.every((e) => e.kind === 'export')).toBe(true);
    expect(closed).toBe(0);
    await m.shutdown();
    expect(closed).toBe(1);
  });

  it('watch attaches to an unfinished task of the owner only', async () => {
    const m = manager();
    const g = gated();
    const running = await m.create({ kind: 'k', fn: g.fn, owner: 'alice' });
    const done = await m.create({ kind: 'k', fn: () => 1, owner: 'alice' });
    await done.wait();
    const watcher = recorder('watcher');
    expect(await m.watch(done.id, [watcher], { owner: 'alice' })).toBe(false);
    expect(await m.watch(running.id, [watcher], { owner: 'bob' })).toBe(false);
    expect(await m.watch(running.id, [watcher], { owner: 'alice' })).toBe(true);
    g.release();
    await running.wait();
    await m.flush();
    expect(watcher.events.map((e) => e.type)).toContain('completed');
    await expect(m.watch(running.id, [{}] as never)).rejects.toThrow(/reporters\[0\]/);
  });

  it('a task reporter sees only its task and is closed when the task ends', async () => {
    let closed = 0;
    const taskSink = { ...recorder('task'), close: () => { closed++; } };
    const m = manager();
    const mine = await m.create({ kind: 'k', fn: () => 1, reporters: [taskSink] });
    await (await m.create({ kind: 'k', fn: () => 2 })).wait();
    await mine.wait();
    await m.flush();
    expect(new Set(taskSink.events.map((e) => e.taskId))).toEqual(new Set([mine.id]));
    expect(closed).toBe(1);
  });
});

describe('resources', () => {
  it('reports CPU, memory, event loop and wall time, marked shared when tasks overlap', async () => {
    const rec = recorder();
    const m = manager({ reporters: [rec] });
    const solo = await m.create({ kind: 'k', fn: () => { let x = 0; for (let i = 0; i < 2e6; i++) x += i; return x; } });
    await solo.wait();
    const g = gated();
    const a = await m.create({ kind: 'k', fn: g.fn });
    const b = await m.create({ kind: 'k', fn: g.fn });
    await until(() => g.started() === 2);
    g.release();
    await Promise.all([a.wait(), b.wait()]);
    await m.flush();
    const end = (id: string) => rec.events.find((e) => e.type === 'resources' && e.taskId === id && e.sample === 'end') as Extract<TaskEvent, { type: 'resources' }>;
    expect(end(solo.id)).toMatchObject({ shared: false });
    expect(end(solo.id).rssBytes).toBeGreaterThan(1e6);
    expect(end(solo.id).heapUsedBytes).toBeGreaterThan(1e5);
    expect(end(solo.id).wallMs).toBeGreaterThanOrEqual(0);
    expect(end(solo.id).cpuUserMs + end(solo.id).cpuSystemMs).toBeGreaterThanOrEqual(0);
    expect(end(a.id).shared).toBe(true);
    expect(end(b.id).shared).toBe(true);
  });
});

describe('resources while running', () => {
  it('samples a long task at start, while it runs, and at its end', async () => {
    const rec = recorder();
    const m = manager({ reporters: [rec], resources: { intervalMs: 60 } });
    const handle = await m.create({ kind: 'k', fn: () => sleep(400) });
    await handle.wait();
    await m.flush();
    const samples = rec.of('resources').map((e) => (e as { sample: string }).sample);
    expect(samples[0]).toBe('start');
    expect(samples.at(-1)).toBe('end');
    expect(samples.filter((s) => s === 'running').length).toBeGreaterThanOrEqual(2);
  });
});

describe('shutdown', () => {
  it('drain lets running and queued tasks finish, then refuses new ones', async () => {
    const store = new MemoryTaskStore();
    const m = manager({ concurrency: 1, store });
    const h1 = await m.create({ kind: 'k', fn: async () => { await sleep(30); return 1; } });
    const h2 = await m.create({ kind: 'k', fn: async () => { await sleep(10); return 2; } });
    await m.shutdown({ mode: 'drain' });
    expect((await store.get(h1.id, 'local'))!.status).toBe('completed');
    expect((await store.get(h2.id, 'local'))!.status).toBe('completed');
    await expect(m.create({ kind: 'k', fn: () => 3 })).rejects.toThrow(/shutting down/);
  });

  it('abort aborts running tasks; with the memory store they end failed', async () => {
    const store = new MemoryTaskStore();
    const m = manager({ store });
    let aborted = false;
    const h = await m.create({ kind: 'k', fn: (_i, ctx) => new Promise((_, reject) => ctx.signal.addEventListener('abort', () => { aborted = true; reject(ctx.signal.reason); })) });
    await until(async () => (await m.get(h.id))?.status === 'working');
    await m.shutdown({ mode: 'abort' });
    expect(aborted).toBe(true);
    expect((await store.get(h.id, 'local'))!).toMatchObject({ status: 'failed', error: { code: 'shutdown' } });
  });
});

describe('bad input', () => {
  it.each([
    ['no kind', { fn: (): number => 1 }, 'kind'],
    ['empty kind', { kind: '', fn: (): number => 1 }, 'kind'],
    ['fn not a function', { kind: 'k', fn: 42 }, 'fn'],
    ['negative ttl', { kind: 'k', ttlMs: -1 }, 'ttlMs'],
    ['NaN timeout', { kind: 'k', timeoutMs: Number.NaN }, 'timeoutMs'],
    ['retry attempts 0', { kind: 'k', retry: { maxAttempts: 0 } }, 'retry.maxAttempts'],
    ['dependsOn not array', { kind: 'k', dependsOn: 'abc' }, 'dependsOn'],
    ['metadata array', { kind: 'k', metadata: [] }, 'metadata'],
    ['owner empty', { kind: 'k', owner: '' }, 'owner'],
    ['reporter without onEvent', { kind: 'k', reporters: [{}] }, 'reporters[0]'],
    ['a misspelt option', { kind: 'k', fn: (): number => 1, timeout: 5 }, 'create options'],
    ['a misspelt retry option', { kind: 'k', fn: (): number => 1, retry: { maxAttempts: 2, backoffMs: 5 } }, 'retry'],
  ])('create rejects %s with the argument named', async (_name, options, argument) => {
    const m = manager();
    const error = await m.create(options as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).argument).toBe(argument);
  });

  it('rejects invalid manager options and lookups', async () => {
    expect(() => new TaskManager({ concurrency: 0 })).toThrow(/concurrency: 0/);
    expect(() => new TaskManager({ maxActivePerOwner: -2 })).toThrow(/maxActivePerOwner/);
    const m = manager();
    await expect(m.get(42 as never)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(m.wait('nope')).rejects.toBeInstanceOf(TaskNotFoundError);
    await expect(m.cancel('nope')).rejects.toBeInstanceOf(TaskNotFoundError);
    await expect(m.list({ status: ['running' as never] })).rejects.toThrow(/status: "running"/);
    await expect(m.list({ limit: 0 })).rejects.toThrow(/limit: 0/);
  });

  it('names the unknown option it refuses', async () => {
    await expect(manager().create({ kind: 'k', fn: () => 1, retry: { backoffMs: 5 } } as never)).rejects.toThrow(/unknown: backoffMs/);
  });

  it('a rejected creation leaves nothing behind', async () => {
    const m = manager();
    await m.create({ kind: 'k', ttlMs: -5 } as never).catch(() => undefined);
    expect((await m.list({ owner: ANY_OWNER })).tasks).toEqual([]);
  });
});
