import { InvalidArgumentError } from '../errors.js';
import type { LogEvent, LogLevel, StatusEvent, TaskEventBody } from '../events.js';
import { LOG_LEVELS } from '../events.js';
import type { Progress } from '../progress/progress.js';
import type { ResolvedProgressOptions } from '../progress/progress-options.js';
import { ProgressTracker } from '../progress/progress-tracker.js';
import type { ProgressEventBody } from '../progress/progress-tracker.js';
import type { InputResponse } from '../task-record.js';
import { checkFunction, checkNonEmptyString } from '../validate.js';
import { checkElicitRequest } from './elicit.js';
import type { ElicitRequest, ElicitResult } from './elicit.js';

export interface TaskLogger {
  debug(message: string, data?: unknown): void;
  info(message: string, data?: unknown): void;
  notice(message: string, data?: unknown): void;
  warning(message: string, data?: unknown): void;
  error(message: string, data?: unknown): void;
  log(level: LogLevel, message: string, data?: unknown): void;
}

/** What a task function receives as its second argument. */
export interface TaskContext {
  readonly taskId: string;
  readonly owner: string;
  readonly kind: string;
  /** 1 for the first attempt, 2 for the first retry, … */
  readonly attempt: number;
  /** Aborted on cancel, timeout and shutdown; `signal.reason` says which. */
  readonly signal: AbortSignal;
  readonly progress: Progress;
  readonly log: TaskLogger;
  readonly metadata: Readonly<Record<string, unknown>>;
  /** The last state passed to `checkpoint()` in an earlier attempt or before a restart. */
  readonly resumeFrom: unknown;
  /** Results of the tasks this one depends on, by task id. */
  readonly dependencies: Readonly<Record<string, unknown>>;
  /** Persists `state`; resolves once the store has it. A retry, or a resumable task after a restart, starts from it. */
  checkpoint(state: unknown): Promise<void>;
  /**
   * Asks the task's user a question and waits for the answer: the task is `input_required`
   * meanwhile, and the question is stored (it survives a restart). Cancellation rejects the wait;
   * so does `timeoutMs` (`InputTimeoutError`) and a client that cannot answer (`InputUnavailableError`).
   */
  elicit<T extends Record<string, unknown> = Record<string, unknown>>(request: ElicitRequest): Promise<ElicitResult<T>>;
  /** Marks the task `input_required` while `wait` runs (input gathered by other means), then `working` again. */
  awaitInput<T>(message: string, wait: () => Promise<T>): Promise<T>;
}

export type TaskFunction<I = unknown, R = unknown> = (input: I, ctx: TaskContext) => Promise<R> | R;

/** Everything a context is built from; the attempt runner and executors elsewhere each supply their own. */
export interface TaskContextSpec {
  taskId: string;
  owner: string;
  kind: string;
  attempt: number;
  signal: AbortSignal;
  metadata: Readonly<Record<string, unknown>>;
  resumeFrom: unknown;
  dependencies: Readonly<Record<string, unknown>>;
  progressOptions: ResolvedProgressOptions;
  /** Progress to start from (a retried or resumed task keeps what it had). */
  startProgress?: number;
  /** When the attempt started (`performance.now()` of this thread), for progress rates. */
  startedAt?: number;
  /** Logger name put on log events. */
  logger?: string;
  emit(body: ProgressEventBody | TaskEventBody<LogEvent> | TaskEventBody<StatusEvent>): void;
  saveCheckpoint(state: unknown): Promise<void>;
  setStatus(status: 'input_required' | 'working', message?: string): void;
  /** Asks and waits for the answer (status, storage, timeout and abort are the caller's). */
  requestInput(request: ElicitRequest): Promise<InputResponse>;
}

class TaskLoggerImpl implements TaskLogger {
  constructor(private readonly spec: TaskContextSpec) {}
  debug(message: string, data?: unknown): void {
    this.log('debug', message, data);
  }
  info(message: string, data?: unknown): void {
    this.log('info', message, data);
  }
  notice(message: string, data?: unknown): void {
    this.log('notice', message, data);
  }
  warning(message: string, data?: unknown): void {
    this.log('warning', message, data);
  }
  error(message: string, data?: unknown): void {
    this.log('error', message, data);
  }
  log(level: LogLevel, message: string, data?: unknown): void {
    if (!LOG_LEVELS.includes(level)) throw new InvalidArgumentError('level', level, LOG_LEVELS.join(', '));
    if (typeof message !== 'string') throw new InvalidArgumentError('message', message, 'a string');
    this.spec.emit({
      type: 'log',
      level,
      message,
      ...(data !== undefined && { data }),
      ...(this.spec.logger !== undefined && { logger: this.spec.logger }),
    });
  }
}

/** A task context, plus what the attempt that made it reads back. */
export interface AttemptContext extends TaskContext {
  /** The progress tracker, if the task ever used `ctx.progress`. */
  readonly usedProgress: ProgressTracker | undefined;
}

class TaskContextImpl implements AttemptContext {
  private tracker?: ProgressTracker;
  private logger?: TaskLogger;

  constructor(private readonly spec: TaskContextSpec) {}

  get taskId(): string {
    return this.spec.taskId;
  }
  get owner(): string {
    return this.spec.owner;
  }
  get kind(): string {
    return this.spec.kind;
  }
  get attempt(): number {
    return this.spec.attempt;
  }
  get signal(): AbortSignal {
    return this.spec.signal;
  }
  get metadata(): Readonly<Record<string, unknown>> {
    return this.spec.metadata;
  }
  get resumeFrom(): unknown {
    return this.spec.resumeFrom;
  }
  get dependencies(): Readonly<Record<string, unknown>> {
    return this.spec.dependencies;
  }
  // Created on first use: most trivial tasks never touch progress or logging.
  get progress(): Progress {
    return (this.tracker ??= new ProgressTracker(
      (body) => this.spec.emit(body),
      this.spec.progressOptions,
      this.spec.startProgress ?? 0,
      this.spec.startedAt,
    ));
  }
  get log(): TaskLogger {
    return (this.logger ??= new TaskLoggerImpl(this.spec));
  }
  get usedProgress(): ProgressTracker | undefined {
    return this.tracker;
  }

  checkpoint(state: unknown): Promise<void> {
    if (state === undefined) return Promise.reject(new InvalidArgumentError('checkpoint state', state, 'a JSON-serialisable value'));
    return this.spec.saveCheckpoint(state);
  }

  async elicit<T extends Record<string, unknown>>(request: ElicitRequest): Promise<ElicitResult<T>> {
    const checked = checkElicitRequest(request);
    const response = await this.spec.requestInput(checked);
    return response.action === 'accept'
      ? { action: 'accept', content: (response.content ?? {}) as Readonly<T> }
      : { action: response.action };
  }

  async awaitInput<T>(message: string, wait: () => Promise<T>): Promise<T> {
    checkNonEmptyString('message', message, 4096);
    checkFunction('wait', wait);
    this.spec.setStatus('input_required', message);
    try {
      return await wait();
    } finally {
      this.spec.setStatus('working');
    }
  }
}

export function createTaskContext(spec: TaskContextSpec): AttemptContext {
  return new TaskContextImpl(spec);
}
