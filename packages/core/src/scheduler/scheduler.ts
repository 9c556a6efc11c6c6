import type { MaybePromise } from '../maybe-promise.js';
import type { TaskRecord } from '../task-record.js';
import type { ResolvedRetryOptions } from '../manager/retry-policy.js';

/** How one attempt of a task ended, as the scheduler that ran it needs to know. */
export type AttemptOutcome =
  | { readonly type: 'completed' }
  | { readonly type: 'failed' }
  /** Cancelled before or while it ran. */
  | { readonly type: 'cancelled' }
  /** The record is queued again for `attempt`; run it after `delayMs`. */
  | { readonly type: 'retry'; readonly attempt: number; readonly delayMs: number }
  /**
   * Not started: a shared store could not take the move to `working` (away for a moment). The
   * record is still queued for the same attempt; run it again after `delayMs`, counting no attempt
   * of the task (nor of a queue engine's job).
   */
  | { readonly type: 'postponed'; readonly delayMs: number }
  /**
   * Stopped by shutdown (a durable record stays unfinished for the next start to recover), or by
   * a shared store that could not take its writes (the record stays unfinished for another run
   * to take over with `reclaim` once the store is back).
   */
  | { readonly type: 'interrupted' }
  /** Not queued when asked to start (finished meanwhile, or taken by another process). */
  | { readonly type: 'skipped' };

/** How a task whose attempt stopped unfinished in another process was taken over (`SchedulerHost.reclaim`). */
export type ReclaimOutcome =
  /** Queued again for `attempt`, to resume from its checkpoint: run it now with `{ resumed: true }`. */
  | { readonly type: 'resume'; readonly attempt: number }
  /** Queued again for `attempt` under its retry policy: run it after `delayMs`. */
  | { readonly type: 'retry'; readonly attempt: number; readonly delayMs: number }
  /** Failed with `InterruptedError` (not resumable, no attempt left). */
  | { readonly type: 'failed' }
  /** Not running any more (finished, cancelled, or taken over already). */
  | { readonly type: 'skipped' };

export interface RunAttemptOptions {
  /**
   * The task was created in another process (a queue engine's worker runs it): its `started`
   * event carries the task's metadata, for sinks here that did not see it created (a trace parent).
   */
  readonly remote?: boolean;
  /** This attempt takes over from one that stopped unfinished (`reclaim` said `resume`). */
  readonly resumed?: boolean;
}

/** What the manager offers the scheduler. */
export interface SchedulerHost {
  /**
   * Runs the next attempt of a queued task in this process: moves it to `working`, runs its
   * function, then completes, fails or requeues it for a retry under `retry` (the policy it was
   * submitted with), and says which. A start the store could not take for a moment is `postponed`.
   */
  runAttempt(taskId: string, retry: ResolvedRetryOptions, options?: RunAttemptOptions): Promise<AttemptOutcome>;
  /**
   * Takes over a task found `working` or `input_required` though no attempt of it runs any more (its
   * worker died, or lost the task): a resumable task is queued again for the next attempt to resume
   * from its checkpoint; another is queued for a retry if its policy allows, else it fails with
   * `InterruptedError`. The move is fenced by the stopped attempt's number, so that attempt, if it
   * still runs somewhere, can no longer change the record.
   */
  reclaim(taskId: string, retry: ResolvedRetryOptions): Promise<ReclaimOutcome>;
  /** Aborts the attempt of this task running in this process, if any (a cancel made elsewhere). */
  abortAttempt(taskId: string, reason: unknown): void;
  /** Whether this process can run tasks of `kind` (defined here, or given a function). */
  canRun(taskId: string, kind: string): boolean;
  /** Fails a task that cannot run any more (a dependency failed). */
  failTask(taskId: string, error: Error): Promise<void>;
  /** A record, whoever owns it. */
  read(taskId: string): MaybePromise<TaskRecord | undefined>;
  /** Calls `listener` with each task seen reaching a terminal status (here, or relayed from elsewhere). */
  onFinished(listener: (record: TaskRecord) => void): void;
}

export interface SubmitOptions {
  /** The retry policy of the task (maxAttempts is on the record). */
  readonly retry: ResolvedRetryOptions;
  /** Start no sooner than this (a retry that was due when the process stopped). */
  readonly delayMs?: number;
}

export interface SchedulerStats {
  /** Waiting for a slot. */
  readonly queued: number;
  readonly running: number;
  /** Waiting for dependencies. */
  readonly waiting: number;
  /** Waiting for a retry's backoff. */
  readonly delayed: number;
}

/**
 * What runs next, where and when: concurrency (global and per kind), queue order and position,
 * delays and backoff, release of dependents. `InProcessScheduler` runs attempts in this process;
 * a queue engine (BullMQ in @headway/bullmq) runs them on workers and does those things once for
 * the fleet. `describeScheduler` in `@headway/core/testing` checks a scheduler against this contract.
 */
export interface Scheduler {
  readonly name: string;
  /**
   * True when attempts run in other processes: tasks then need a kind defined where they run
   * (one-off functions cannot travel), and this process need not define it.
   */
  readonly remote: boolean;
  /** Called once by the manager, before anything is submitted. */
  start(host: SchedulerHost): MaybePromise<void>;
  /** A task whose record the store has, `queued`: run it when its dependencies and the limits allow. */
  submit(record: Readonly<TaskRecord>, options: SubmitOptions): MaybePromise<void>;
  /** Tasks of `kind` held for want of a function may run now (`define`, or `execute` of a deferred task). */
  runnable(kind: string): void;
  /** The task's record is already `cancelled`: stop it wherever it waits or runs. */
  cancel(taskId: string, reason: unknown): MaybePromise<void>;
  /**
   * 1-based position among tasks waiting for a slot (of its kind, when the scheduler queues kinds
   * apart), or undefined when it is not waiting for one.
   */
  position(taskId: string, kind: string): MaybePromise<number | undefined>;
  /** Limits how many tasks of `kind` run at once (a kind's `concurrency` option); absent when the scheduler takes no such limit. */
  limitKind?(kind: string, limit: number): void;
  /** Whether the task is unfinished and held by this process (so its events are made here). */
  holds(taskId: string): boolean;
  stats(): SchedulerStats;
  /**
   * Stops taking work. `drain` lets held tasks finish until `deadline` (epoch ms), then stops the
   * rest; `abort` stops at once. Running attempts are aborted through the host; resolves with the
   * ids of tasks it held that never started (the manager decides what becomes of their records).
   */
  shutdown(mode: 'drain' | 'abort', deadline: number): Promise<readonly string[]>;
}
