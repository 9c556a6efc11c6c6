import { InterruptedError, ShutdownError } from '../errors.js';
import type { Executor } from '../executor/executor.js';
import type { EventHub } from '../hub/event-hub.js';
import { isPromiseLike } from '../maybe-promise.js';
import type { EventRelay } from '../relay/event-relay.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import { ANY_OWNER } from '../store/task-store.js';
import type { TaskStore } from '../store/task-store.js';
import { ACTIVE_STATUSES } from '../task-record.js';
import type { TaskRecord } from '../task-record.js';
import type { AttemptRunner } from './attempt-runner.js';
import type { Definitions } from './definitions.js';
import { resolveRetry } from './retry-policy.js';
import type { Transitions } from './transitions.js';
import type { Waiters } from './waiters.js';

export interface LifecycleParts {
  readonly store: TaskStore;
  readonly scheduler: Scheduler;
  readonly relay: EventRelay | undefined;
  readonly hub: EventHub;
  readonly executor: Executor;
  readonly runner: AttemptRunner;
  readonly transitions: Transitions;
  readonly definitions: Definitions;
  readonly waiters: Waiters;
  readonly heartbeatMs: number;
  readonly resourcesIntervalMs: number;
  readonly sweepIntervalMs: number;
  /** Hooks the scheduler and the relay up to the rest of the manager. */
  readonly connect: () => Promise<void>;
}

/** Starting (open the store, recover unfinished tasks, start timers) and stopping the manager. */
export class Lifecycle {
  stopping = false;
  private ticker?: ReturnType<typeof setInterval>;
  private sweeper?: ReturnType<typeof setInterval>;

  constructor(private readonly p: LifecycleParts) {}

  async start(): Promise<void> {
    const { store } = this.p;
    await store.open?.();
    await this.p.connect();
    this.startTimers();
    // A shared store's unfinished tasks belong to the fleet; its scheduler recovers them.
    if (!store.durable || store.shared) return;
    // Results whose TTL ran out while the process was down are not served again.
    await store.sweep(Date.now());
    let cursor: string | undefined;
    do {
      const page = await store.list({ owner: ANY_OWNER, status: ACTIVE_STATUSES, limit: 1000, ...(cursor && { cursor }) });
      for (const record of page.tasks) await this.recoverOne(record);
      cursor = page.nextCursor;
    } while (cursor);
  }

  /**
   * Stops within `timeoutMs`: `drain` lets tasks finish, `abort` stops them at once. With a durable
   * store, tasks interrupted by the shutdown stay unfinished for recovery; with the memory store
   * they end failed. Sinks get what time is left to flush; the store is closed in any case.
   */
  async stop(mode: 'drain' | 'abort', timeoutMs: number, started: Promise<void>): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    // Sinks always get a share of the time to flush, even after a long drain.
    const drainDeadline = deadline - Math.min(1000, timeoutMs / 4);
    // Ref'd for the whole shutdown: a caller awaiting it keeps the process alive until it is done.
    const keepAlive = setInterval(() => undefined, 60_000);
    const { store, scheduler, hub, executor, relay } = this.p;
    try {
      await started.catch(() => undefined);
      this.stopping = true;
      clearInterval(this.ticker);
      clearInterval(this.sweeper);
      const unstarted = await scheduler.shutdown(mode, drainDeadline);
      if (!store.durable) {
        const reason = new ShutdownError();
        for (const id of unstarted) {
          const record = await Promise.resolve(store.get(id, ANY_OWNER)).catch(() => undefined);
          if (record) await this.p.transitions.fail(record, reason, record.progress);
        }
      }
      await this.p.waiters.release();
      await before(deadline, hub.close());
      await before(deadline, executor.close?.());
      await before(deadline, relay?.close());
    } finally {
      try {
        await store.close?.();
      } finally {
        clearInterval(keepAlive);
      }
    }
  }

  private async recoverOne(record: TaskRecord): Promise<void> {
    const { transitions, runner, scheduler, definitions } = this.p;
    let current: TaskRecord | undefined = record;
    const wasWorking = record.status !== 'queued';
    if (wasWorking) {
      if (!record.resumable) {
        await transitions.fail(record, new InterruptedError(), record.progress);
        return;
      }
      current = await transitions.requeue(record);
      if (!current) return;
    }
    runner.markRecovered(current.id, wasWorking);
    const retry = resolveRetry({ maxAttempts: current.maxAttempts }, definitions.retryOf(current.kind));
    const dueIn = current.nextAttemptAt === undefined ? undefined : current.nextAttemptAt - Date.now();
    const submitted = scheduler.submit(current, { retry, ...(dueIn !== undefined && dueIn > 0 && { delayMs: dueIn }) });
    if (isPromiseLike(submitted)) await submitted;
  }

  private startTimers(): void {
    const { heartbeatMs, resourcesIntervalMs, sweepIntervalMs, runner, store } = this.p;
    const tickMs = Math.max(50, Math.min(heartbeatMs > 0 ? heartbeatMs / 2 : Infinity, resourcesIntervalMs));
    // Housekeeping timers: they never keep the process alive by themselves.
    this.ticker = setInterval(() => {
      if (runner.running > 0) runner.tick();
    }, tickMs);
    this.ticker.unref?.();
    this.sweeper = setInterval(() => void Promise.resolve(store.sweep(Date.now())).catch(() => 0), sweepIntervalMs);
    this.sweeper.unref?.();
  }
}

/** Waits for `work`, but not past `deadline` (the work goes on unawaited). */
async function before(deadline: number, work: unknown): Promise<void> {
  if (!isPromiseLike(work as Promise<unknown>)) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    (work as Promise<unknown>).catch(() => undefined),
    new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, deadline - Date.now())))),
  ]);
  clearTimeout(timer);
}
