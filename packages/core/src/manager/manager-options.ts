import type { TaskFunction } from '../context/task-context.js';
import { InvalidArgumentError } from '../errors.js';
import type { Executor, ModuleHandler } from '../executor/executor.js';
import type { EventHubOptions } from '../hub/event-hub.js';
import type { ProgressOptions } from '../progress/progress-options.js';
import type { EventRelay } from '../relay/event-relay.js';
import type { Reporter } from '../reporter.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import type { TaskStore } from '../store/task-store.js';
import { checkFunction, checkNonNegative, checkPositive, checkPositiveInteger } from '../validate.js';
import type { RetryOptions } from './retry-policy.js';

export interface TaskManagerOptions {
  /** Where records live. Default: a new `MemoryTaskStore`. */
  store?: TaskStore;
  /** What runs next, where and when. Default: an `InProcessScheduler` with `concurrency` and `kindConcurrency`. */
  scheduler?: Scheduler;
  /** Carries events between processes that share the store (with a remote scheduler). */
  relay?: EventRelay;
  /** Where attempts run in this process. Default: `InProcessExecutor`. */
  executor?: Executor;
  /** Sinks that see every task's events; closed at shutdown. */
  reporters?: readonly Reporter[];
  /** For the default scheduler: tasks running at once, all kinds together. Default 64. */
  concurrency?: number;
  /** For the default scheduler: tasks running at once per kind (on top of `concurrency`). */
  kindConcurrency?: Readonly<Record<string, number>>;
  /** Retention of finished tasks. Default 1 hour. */
  defaultTtlMs?: number;
  /** Largest `ttlMs` a task may ask for. Default 24 hours. */
  maxTtlMs?: number;
  /** Tasks of one owner not yet finished, at most. Default 10000. */
  maxActivePerOwner?: number;
  /** Default per-attempt timeout; none unless set. */
  defaultTimeoutMs?: number;
  /** Default retry policy; no retries unless set. */
  retry?: RetryOptions;
  /** Progress throttling and heartbeat. */
  progress?: ProgressOptions;
  /** Resource sampling: on by default, a `running` sample every `intervalMs` (default 5000). */
  resources?: { enabled?: boolean; intervalMs?: number };
  /** How often expired records are swept. Default 60 s. */
  sweepIntervalMs?: number;
  /** Owner used when a call names none. Default `local`. */
  defaultOwner?: string;
  /** Reporter queue bounds and the handler told of misbehaving reporters. */
  hub?: EventHubOptions;
}

/** How a kind of task runs, set once with `manager.define`. */
export interface TaskDefinitionOptions {
  /** Tasks of this kind running at once (with a scheduler that limits kinds, as the default does). */
  concurrency?: number;
  timeoutMs?: number;
  retry?: RetryOptions;
  ttlMs?: number;
  /** After a restart, a working task of this kind runs again from its last checkpoint. */
  resumable?: boolean;
  /** Overrides the manager's executor for this kind (e.g. a worker thread per task). */
  executor?: Executor;
  /**
   * Sinks for tasks of this kind only; closed at shutdown. A task that has one of these sinks among
   * its own reporters reaches it through those only (see `Reporter`).
   */
  reporters?: readonly Reporter[];
}

export type TaskHandler<I = unknown, R = unknown> = TaskFunction<I, R> | ModuleHandler;

export interface CreateTaskOptions<I = unknown> {
  kind: string;
  input?: I;
  owner?: string;
  /**
   * The function to run (a one-off task); default: the one `define`d for `kind`. With a remote
   * scheduler (workers run the tasks) a function cannot travel: it is accepted only for a kind
   * defined here as well, and the worker runs its own definition of the kind.
   */
  fn?: TaskFunction<I>;
  metadata?: Record<string, unknown>;
  ttlMs?: number;
  timeoutMs?: number;
  retry?: RetryOptions;
  resumable?: boolean;
  /** Ids of tasks (of the same owner) that must complete first; their results are in `ctx.dependencies`. */
  dependsOn?: readonly string[];
  /** Run even when a dependency failed or was cancelled. */
  runOnDependencyFailure?: boolean;
  /**
   * Sinks for this task only (e.g. the request that started it); closed when it ends. One that is
   * also the manager's or this kind's takes their place for this task: each event reaches it once.
   */
  reporters?: readonly Reporter[];
  /** The kind is defined later or in another process: keep the task queued until then instead of refusing it. */
  awaitDefinition?: boolean;
  /** Create the record but run nothing until `execute(task, fn, input)` (two-step creation). */
  deferred?: boolean;
}

export interface OwnerOption {
  owner?: string;
}

export function checkManagerOptions(options: TaskManagerOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('TaskManager options', options, 'an object');
  }
  if (options.scheduler !== undefined && (options.concurrency !== undefined || options.kindConcurrency !== undefined)) {
    throw new InvalidArgumentError('concurrency', options.concurrency ?? options.kindConcurrency, 'no concurrency options beside a scheduler (set them on the scheduler)');
  }
  if (options.scheduler !== undefined) checkSeam('scheduler', options.scheduler, ['start', 'submit', 'cancel', 'position', 'holds', 'shutdown']);
  if (options.relay !== undefined) checkSeam('relay', options.relay, ['open', 'publish', 'follow', 'unfollow', 'followAll', 'close']);
  if (options.store !== undefined) checkSeam('store', options.store, ['create', 'get', 'update', 'list', 'countActive', 'nextSeq', 'sweep', 'delete']);
  if (options.executor !== undefined) checkSeam('executor', options.executor, ['execute']);
  if (options.defaultTtlMs !== undefined) checkPositive('defaultTtlMs', options.defaultTtlMs);
  if (options.maxTtlMs !== undefined) checkPositive('maxTtlMs', options.maxTtlMs);
  if (options.maxActivePerOwner !== undefined) checkPositiveInteger('maxActivePerOwner', options.maxActivePerOwner);
  if (options.defaultTimeoutMs !== undefined) checkPositive('defaultTimeoutMs', options.defaultTimeoutMs);
  if (options.sweepIntervalMs !== undefined) checkPositive('sweepIntervalMs', options.sweepIntervalMs);
  if (options.resources?.intervalMs !== undefined) checkPositive('resources.intervalMs', options.resources.intervalMs);
  checkReporters('reporters', options.reporters);
}

function checkSeam(argument: string, value: unknown, methods: readonly string[]): void {
  const missing = methods.find((m) => typeof (value as Record<string, unknown> | null)?.[m] !== 'function');
  if (missing !== undefined) throw new InvalidArgumentError(argument, value, `an object with ${methods.join(', ')} methods (no ${missing})`);
}

export function checkReporters(argument: string, reporters: unknown): void {
  if (reporters === undefined) return;
  if (!Array.isArray(reporters)) throw new InvalidArgumentError(argument, reporters, 'an array of reporters');
  reporters.forEach((r: unknown, i) => {
    if (typeof r !== 'object' || r === null || typeof (r as { onEvent?: unknown }).onEvent !== 'function') {
      throw new InvalidArgumentError(`${argument}[${i}]`, r, 'an object with an onEvent(event) method');
    }
  });
}

export function checkHandler(handler: unknown): void {
  if (typeof handler === 'function') return;
  const module = (handler as ModuleHandler | undefined)?.module;
  if (typeof module === 'string' || module instanceof URL) return;
  checkFunction('handler', handler);
}

export function checkTimeout(argument: string, value: number | undefined): void {
  if (value !== undefined) checkPositive(argument, value);
}

export function checkTtl(value: number | undefined, maxTtlMs: number): void {
  if (value === undefined) return;
  checkNonNegative('ttlMs', value);
  if (value > maxTtlMs) throw new InvalidArgumentError('ttlMs', value, `at most ${maxTtlMs} ms (the manager's maxTtlMs)`);
}
