import type { Executor, ModuleHandler } from '../executor/executor.js';
import type { TaskFunction } from '../context.js';
import type { ProgressReporter } from '../progress/progress-reporter.js';
import type { TaskRecord } from '../task-record.js';
import type { AttemptMeter } from './resource-meter.js';
import type { ResolvedRetryOptions } from './retry-policy.js';

/** Where an active task is in its life, as far as this manager is concerned. */
export type Stage = 'deferred' | 'orphan' | 'waiting' | 'queued' | 'backoff' | 'running' | 'done';

/** The manager's working state for a task that has not finished. */
export interface ActiveTask {
  readonly id: string;
  readonly owner: string;
  readonly kind: string;
  readonly seq: number;
  record: TaskRecord;
  fn: TaskFunction | undefined;
  handler: ModuleHandler | undefined;
  executor: Executor;
  retry: ResolvedRetryOptions;
  stage: Stage;
  /** Set by the run queue while the task waits for a slot. */
  queued: boolean;
  pendingDependencies: number;
  queuedAt: number;
  resumed: boolean;
  /** Recovered from the store and not started by this process yet (its sinks never saw `created`). */
  recovered: boolean;
  /** Increments per attempt; callbacks of a superseded attempt are ignored. */
  attemptToken: number;
  settledToken: number;
  slotHeld: boolean;
  /** Created when the attempt's signal is first asked for (most trivial tasks never do). */
  controller: AbortController | undefined;
  /** Why the current attempt was aborted, for a signal created after the fact. */
  abortReason: unknown;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** The context of the running attempt, when it runs on this thread. */
  context: { readonly usedProgress: ProgressReporter | undefined } | undefined;
  meter: AttemptMeter | undefined;
  lastEventAt: number;
  lastResourcesAt: number;
  dependencyResults: Record<string, unknown> | undefined;
  progressWrite: 'busy' | 'dirty' | undefined;
  /** Latest delivered progress and message (records are read-only; the store gets them asynchronously). */
  progress: number;
  statusMessage: string | undefined;
}


/** Aborts the current attempt's signal, now or whenever it is first created. */
export function abortAttempt(task: ActiveTask, reason: unknown): void {
  task.abortReason = reason;
  task.controller?.abort(reason);
}

/** The current attempt's signal, created on first use (already aborted if the attempt was). */
export function attemptSignal(task: ActiveTask): AbortSignal {
  if (!task.controller) {
    task.controller = new AbortController();
    if (task.abortReason !== undefined) task.controller.abort(task.abortReason);
  }
  return task.controller.signal;
}
