import { afterEach, describe, expect, it } from 'vitest';
import type { TaskContext } from '../context/task-context.js';
import { TaskManager } from '../manager/task-manager.js';
import type { TaskManagerOptions } from '../manager/manager-options.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import { MemoryTaskStore } from '../store/memory-store.js';
import type { TaskStore } from '../store/task-store.js';
import { StartOutageStore } from './start-outage-store.js';

export interface SchedulerSetup {
  /** The scheduler under test, running at most `concurrency` attempts at once. */
  readonly scheduler: Scheduler;
  /** Whatever else it needs (a shared store, a relay). */
  readonly options?: Omit<TaskManagerOptions, 'scheduler' | 'concurrency' | 'kindConcurrency'>;
  /** Removes what it left behind; called after the manager shut down. */
  cleanup?(): void | Promise<void>;
}

export type SchedulerFactory = (settings: { concurrency: number }) => SchedulerSetup | Promise<SchedulerSetup>;

/** A task body that waits until released, or rejects when its signal aborts. */
function gate() {
  let release!: () => void;
  const opened = new Promise<void>((resolve) => (release = resolve));
  const started: string[] = [];
  const fn = async (input: unknown, ctx: TaskContext) => {
    started.push(String(input));
    await Promise.race([opened, new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true }))]);
    return `done ${String(input)}`;
  };
  return { fn, release, started };
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * The `Scheduler` contract as a vitest suite, observed through a `TaskManager` built on the
 * scheduler: tasks run under its concurrency, queue positions, cancellation of waiting and
 * running tasks, retries after their backoff, a start the store could not take for a moment
 * (`postponed`: run again later, no attempt used), dependencies, and a drain at shutdown.
 */
export function describeScheduler(name: string, factory: SchedulerFactory): void {
  describe(`Scheduler contract: ${name}`, () => {
    const running: { manager: TaskManager; setup: SchedulerSetup }[] = [];
    /** `store`: puts something in front of the setup's store (the memory store when it has none). */
    async function manager(concurrency = 4, store?: (inner: TaskStore) => TaskStore): Promise<TaskManager> {
      const setup = await factory({ concurrency });
      const options = store ? { ...setup.options, store: store(setup.options?.store ?? new MemoryTaskStore()) } : setup.options;
      const m = new TaskManager({ ...options, scheduler: setup.scheduler, progress: { minIntervalMs: 0 } });
      running.push({ manager: m, setup });
      return m;
    }
    afterEach(async () => {
      for (const { manager: m, setup } of running.splice(0)) {
        await m.shutdown({ mode: 'abort', timeoutMs: 5000 });
        await setup.cleanup?.();
      }
    });

    it('runs tasks to completion with their results', async () => {
      const m = await manager();
      m.define('double', (n: number) => n * 2);
      const handles = await Promise.all([1, 2, 3].map((n) => m.create({ kind: 'double', input: n })));
      expect(await Promise.all(handles.map((h) => h.result()))).toEqual([2, 4, 6]);
    });

    it('runs no more than its concurrency, and reports positions of waiting tasks in creation order', async () => {
      const m = await manager(1);
      const g = gate();
      m.define('gated', g.fn);
      const handles = [];
      for (let i = 0; i < 3; i++) handles.push(await m.create({ kind: 'gated', input: i }));
      await until(() => g.started.length === 1);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(g.started).toEqual(['0']);
      expect((await handles[1]!.get())!.queuePosition).toBe(1);
      expect((await handles[2]!.get())!.queuePosition).toBe(2);
      g.release();
      expect(await Promise.all(handles.map((h) => h.result()))).toEqual(['done 0', 'done 1', 'done 2']);
    });

    it('never runs a task cancelled while it waits, and aborts one that runs', async () => {
      const m = await manager(1);
      const g = gate();
      m.define('gated', g.fn);
      const first = await m.create({ kind: 'gated', input: 'first' });
      const second = await m.create({ kind: 'gated', input: 'second' });
      await until(() => g.started.length === 1);
      expect((await second.cancel('not needed')).status).toBe('cancelled');
      expect((await first.cancel('stop')).status).toBe('cancelled');
      expect((await first.wait()).status).toBe('cancelled');
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(g.started).toEqual(['first']);
    });

    it('retries a failed attempt after its backoff', async () => {
      const m = await manager();
      const startedAt: number[] = [];
      m.define(
        'flaky',
        (_input: unknown, ctx: TaskContext) => {
          startedAt.push(Date.now());
          if (ctx.attempt === 1) throw new Error('first attempt fails');
          return ctx.attempt;
        },
        { retry: { maxAttempts: 2, initialDelayMs: 150, jitter: 'none' } },
      );
      const task = await m.create({ kind: 'flaky' });
      expect(await task.result()).toBe(2);
      expect(startedAt[1]! - startedAt[0]!).toBeGreaterThanOrEqual(140);
    });

    it('runs a task whose start the store could not take for a moment, once it can, using none of its attempts', async () => {
      let store!: StartOutageStore;
      // More failed starts than the task has attempts, and than a queue engine adds for its own trouble.
      const m = await manager(4, (inner) => (store = new StartOutageStore(inner, { failures: 4 })));
      const attempts: number[] = [];
      m.define('double', (n: number, ctx: TaskContext) => {
        attempts.push(ctx.attempt);
        return n * 2;
      });
      const task = await m.create({ kind: 'double', input: 21 });
      expect(await task.wait({ timeoutMs: 10_000 })).toMatchObject({ status: 'completed', result: 42, attempt: 1 });
      expect(store.failedStarts(task.id)).toBe(4);
      expect(attempts).toEqual([1]);
    });

    it('starts a dependent after its dependencies, with their results, and fails it when one fails', async () => {
      const m = await manager();
      m.define('value', async (v: string) => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        if (v === 'bad') throw new Error('bad dependency');
        return v;
      });
      m.define('join', (_input: unknown, ctx: TaskContext) => Object.values(ctx.dependencies).sort().join('+'));
      const a = await m.create({ kind: 'value', input: 'A' });
      const b = await m.create({ kind: 'value', input: 'B' });
      const joined = await m.create({ kind: 'join', dependsOn: [a.id, b.id] });
      expect(await joined.result()).toBe('A+B');
      const bad = await m.create({ kind: 'value', input: 'bad' });
      const after = await m.create({ kind: 'join', dependsOn: [bad.id] });
      expect(await after.wait()).toMatchObject({ status: 'failed', error: { code: 'dependency_failed' } });
      const anyway = await m.create({ kind: 'join', dependsOn: [bad.id], runOnDependencyFailure: true });
      expect(await anyway.result()).toBe('');
    });

    it('lets running tasks finish when the manager drains', async () => {
      const m = await manager();
      m.define('slow', async () => {
        await new Promise((resolve) => setTimeout(resolve, 150));
        return 'finished';
      });
      const task = await m.create({ kind: 'slow' });
      await until(async () => (await task.get())?.status === 'working');
      const result = task.result();
      await m.shutdown({ mode: 'drain', timeoutMs: 5000 });
      expect(await result).toBe('finished');
    });
  });
}
