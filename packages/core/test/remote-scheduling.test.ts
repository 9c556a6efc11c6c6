// The seams a queue engine (BullMQ in @headway/bullmq) drives: two managers share one store, each
// with a scheduler that runs only what the test tells it to, like two workers taking jobs.
import { afterEach, describe, expect, it } from 'vitest';
import { ANY_OWNER, TaskManager } from '../src/index.js';
import type { TaskContext, TaskEvent } from '../src/index.js';
import { MemoryTaskStore } from '../src/spi.js';
import type { EventRelay, ResolvedRetryOptions, Scheduler, SchedulerHost, TaskRecord } from '../src/spi.js';
import { recorder, until } from './helpers.js';

/** A remote scheduler whose attempts run when the test says so. */
class DrivenScheduler implements Scheduler {
  readonly name = 'driven';
  readonly remote = true;
  host!: SchedulerHost;
  readonly submitted = new Map<string, ResolvedRetryOptions>();
  readonly limits = new Map<string, number>();
  readonly positionsAsked: [string, string][] = [];
  start(host: SchedulerHost): void {
    this.host = host;
  }
  submit(record: Readonly<TaskRecord>, options: { retry: ResolvedRetryOptions }): void {
    this.submitted.set(record.id, options.retry);
  }
  runnable(): void {}
  cancel(taskId: string, reason: unknown): void {
    this.host.abortAttempt(taskId, reason);
  }
  position(taskId: string, kind: string): number {
    this.positionsAsked.push([taskId, kind]);
    return 7;
  }
  holds(): boolean {
    return false;
  }
  stats() {
    return { queued: 0, running: 0, waiting: 0, delayed: 0 };
  }
  async shutdown(): Promise<readonly string[]> {
    return [];
  }
  limitKind(kind: string, limit: number): void {
    this.limits.set(kind, limit);
  }
}

/** A relay that records interest (no other process here). */
class InterestRelay implements EventRelay {
  readonly following = new Map<string, number>();
  deliver!: (event: TaskEvent) => void;
  open(deliver: (event: TaskEvent) => void): void {
    this.deliver = deliver;
  }
  publish(): void {}
  follow(id: string): void {
    this.following.set(id, (this.following.get(id) ?? 0) + 1);
  }
  unfollow(id: string): void {
    const n = (this.following.get(id) ?? 0) - 1;
    if (n > 0) this.following.set(id, n);
    else this.following.delete(id);
  }
  followAll(): void {}
  close(): void {}
}

const RETRY_ONCE: ResolvedRetryOptions = { maxAttempts: 1, initialDelayMs: 0, factor: 2, maxDelayMs: 0, jitter: 'none' };
const RETRY_TWICE: ResolvedRetryOptions = { ...RETRY_ONCE, maxAttempts: 2 };

describe('remote scheduling seams', () => {
  const managers: TaskManager[] = [];
  async function worker(store: MemoryTaskStore, options: { relay?: EventRelay; reporters?: ReturnType<typeof recorder>[] } = {}) {
    const scheduler = new DrivenScheduler();
    const manager = new TaskManager({ store, scheduler, progress: { minIntervalMs: 0 }, ...options });
    managers.push(manager);
    await manager.start();
    return { manager, scheduler };
  }
  afterEach(async () => {
    for (const m of managers.splice(0)) await m.shutdown({ mode: 'abort', timeoutMs: 2000 });
  });

  it('a worker takes over a resumable task whose attempt stopped elsewhere: it resumes from the checkpoint, and the stopped attempt can no longer write', async () => {
    const store = new MemoryTaskStore();
    let releaseFirst!: (value: string) => void;
    const first = await worker(store);
    first.manager.define('steps', async (_input: unknown, ctx: TaskContext) => {
      await ctx.checkpoint({ step: 1 });
      ctx.progress.update(40);
      return new Promise<string>((resolve) => (releaseFirst = resolve));
    }, { resumable: true });
    const events = recorder();
    const second = await worker(store, { reporters: [events] });
    second.manager.define('steps', (_input: unknown, ctx: TaskContext) => `resumed from ${JSON.stringify(ctx.resumeFrom)} as attempt ${ctx.attempt}`, { resumable: true });

    const task = await first.manager.create({ kind: 'steps', metadata: { traceparent: '00-aa-bb-01' } });
    const running = first.scheduler.host.runAttempt(task.id, RETRY_ONCE, { remote: true });
    await until(async () => (await store.get(task.id, ANY_OWNER))?.progress === 40);

    // The first worker "died": a second one finds the record working and reclaims it.
    expect(await second.scheduler.host.reclaim(task.id, RETRY_ONCE)).toEqual({ type: 'resume', attempt: 2 });
    expect(await store.get(task.id, ANY_OWNER)).toMatchObject({ status: 'queued', attempt: 2, checkpoint: { step: 1 } });
    expect(await second.scheduler.host.runAttempt(task.id, RETRY_ONCE, { resumed: true })).toEqual({ type: 'completed' });
    expect((await store.get(task.id, ANY_OWNER))!.result).toBe('resumed from {"step":1} as attempt 2');

    // The stopped attempt comes back to life and finishes: fenced out, the record keeps the newer result.
    releaseFirst('stale result');
    await running;
    expect(await store.get(task.id, ANY_OWNER)).toMatchObject({ status: 'completed', attempt: 2, result: 'resumed from {"step":1} as attempt 2' });
    await second.manager.flush();
    const started = events.of('started', task.id)[0] as Extract<TaskEvent, { type: 'started' }>;
    expect(started).toMatchObject({ resumed: true, metadata: { traceparent: '00-aa-bb-01' }, attempt: 2 });
  });

  it('a task that is not resumable is retried when its policy allows, else fails as interrupted; a finished one is skipped', async () => {
    const store = new MemoryTaskStore();
    const { manager, scheduler } = await worker(store);
    manager.define('plain', () => 'ok');
    const retried = await manager.create({ kind: 'plain', retry: { maxAttempts: 2 } });
    const failed = await manager.create({ kind: 'plain' });
    for (const id of [retried.id, failed.id]) await store.update(id, { status: 'working' }, { expect: ['queued'] });

    expect(await scheduler.host.reclaim(retried.id, RETRY_TWICE)).toMatchObject({ type: 'retry', attempt: 2 });
    expect(await store.get(retried.id, ANY_OWNER)).toMatchObject({ status: 'queued', attempt: 2, error: { code: 'interrupted' } });
    expect(await scheduler.host.reclaim(failed.id, RETRY_ONCE)).toEqual({ type: 'failed' });
    expect(await store.get(failed.id, ANY_OWNER)).toMatchObject({ status: 'failed', error: { code: 'interrupted' } });
    expect(await scheduler.host.reclaim(failed.id, RETRY_ONCE)).toEqual({ type: 'skipped' });
    expect(await scheduler.host.runAttempt(retried.id, RETRY_TWICE)).toEqual({ type: 'completed' });
  });

  it('leaves a task to be taken over when a shared store cannot take the writes of its attempt', async () => {
    class FlakyShared extends MemoryTaskStore {
      readonly shared = true;
      broken = false;
      override async update(...args: Parameters<MemoryTaskStore['update']>) {
        if (this.broken) throw Object.assign(new Error('Redis at redis://x: update failed'), { code: 'store_unavailable' });
        return super.update(...args);
      }
    }
    const store = new FlakyShared();
    const { manager, scheduler } = await worker(store);
    manager.define('saves', async (_input: unknown, ctx: TaskContext) => {
      if (ctx.resumeFrom === undefined) {
        await ctx.checkpoint({ at: 1 });
        store.broken = true;
        await ctx.checkpoint({ at: 2 });
      }
      return ctx.resumeFrom;
    }, { resumable: true });
    const task = await manager.create({ kind: 'saves' });
    expect(await scheduler.host.runAttempt(task.id, RETRY_ONCE, { remote: true })).toEqual({ type: 'interrupted' });
    store.broken = false;
    expect(await store.get(task.id, ANY_OWNER)).toMatchObject({ status: 'working', checkpoint: { at: 1 } });
    expect(await scheduler.host.reclaim(task.id, RETRY_ONCE)).toEqual({ type: 'resume', attempt: 2 });
    expect(await scheduler.host.runAttempt(task.id, RETRY_ONCE, { resumed: true })).toEqual({ type: 'completed' });
    expect((await task.wait()).result).toEqual({ at: 1 });
  });

  it('gives the scheduler the kind for a queue position, and per-kind limits through limitKind', async () => {
    const store = new MemoryTaskStore();
    const { manager, scheduler } = await worker(store);
    manager.define('indexed', () => 1, { concurrency: 3 });
    expect(scheduler.limits.get('indexed')).toBe(3);
    const task = await manager.create({ kind: 'indexed' });
    expect((await task.get())!.queuePosition).toBe(7);
    expect(scheduler.positionsAsked).toEqual([[task.id, 'indexed']]);
  });

  it('takes a one-off function only for a kind defined here too, and runs the kind as defined where it runs', async () => {
    const store = new MemoryTaskStore();
    const server = await worker(store);
    const runner = await worker(store);
    await expect(server.manager.create({ kind: 'tool', fn: () => 'from the server' })).rejects.toThrow(/define the kind there/);
    server.manager.define('tool', () => 'server definition');
    runner.manager.define('tool', () => 'worker definition');
    const inline = await server.manager.create({ kind: 'tool', fn: () => 'from the server' });
    const deferred = await server.manager.create({ kind: 'tool', deferred: true });
    expect(server.scheduler.submitted.has(deferred.id)).toBe(false);
    await server.manager.execute(deferred.id, () => 'from the server');
    expect(server.scheduler.submitted.has(deferred.id)).toBe(true);
    for (const id of [inline.id, deferred.id]) await runner.scheduler.host.runAttempt(id, RETRY_ONCE, { remote: true });
    expect((await inline.wait()).result).toBe('worker definition');
    expect((await deferred.wait()).result).toBe('worker definition');
  });

  it('follows a task through the relay for its own reporters and for watchers until it ends, then stops', async () => {
    const store = new MemoryTaskStore();
    const relay = new InterestRelay();
    const server = await worker(store, { relay });
    const runner = await worker(store);
    let release!: () => void;
    runner.manager.define('slow', () => new Promise<string>((resolve) => (release = () => resolve('done'))));
    const task = await server.manager.create({ kind: 'slow', reporters: [recorder('request')], awaitDefinition: true });
    expect(await server.manager.watch(task.id, [recorder('watcher')])).toBe(true);
    expect(relay.following.get(task.id)).toBe(1);
    const ran = runner.scheduler.host.runAttempt(task.id, RETRY_ONCE, { remote: true });
    await until(() => release !== undefined);
    release();
    await ran;
    expect(relay.following.get(task.id)).toBe(1);
    // The worker's `completed` event, as the relay hands it to the server.
    const watcher = recorder('late watcher');
    const record = (await store.get(task.id, ANY_OWNER))!;
    relay.deliver({ type: 'completed', taskId: task.id, owner: record.owner, kind: record.kind, at: Date.now(), attempt: 1, result: 'done', durationMs: 1 });
    await until(() => !relay.following.has(task.id));
    expect(await server.manager.watch(task.id, [watcher])).toBe(false);
    expect(relay.following.size).toBe(0);
  });
});
