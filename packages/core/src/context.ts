import { InvalidArgumentError } from './errors.js';
import type { LogEvent, LogLevel, StatusEvent, TaskEventBody } from './events.js';
import { LOG_LEVELS } from './events.js';
import { ProgressReporter } from './progress/progress-reporter.js';
import type { ProgressEventBody } from './progress/progress-reporter.js';
import type { ResolvedProgressOptions } from './progress/progress-options.js';
import { checkNonEmptyString, checkFunction } from './validate.js';

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
  readonly progress: ProgressReporter;
  readonly log: TaskLogger;
  readonly metadata: Readonly<Record<string, unknown>>;
  /** The last state passed to `checkpoint()` in an earlier attempt or before a restart. */
  readonly resumeFrom: unknown;
  /** Results of the tasks this one depends on, by task id. */
  readonly dependencies: Readonly<Record<string, unknown>>;
  /** Persists `state`; resolves once the store has it. A resumable task restarts from it. */
  checkpoint(state: unknown): Promise<void>;
  /** Marks the task `input_required` while `wait` runs (e.g. an elicitation), then `working` again. */
  awaitInput<T>(message: string, wait: () => Promise<T>): Promise<T>;
}

export type TaskFunction<I = unknown, R = unknown> = (input: I, ctx: TaskContext) => Promise<R> | R;

/** Everything a context is built from; the manager and remote executors each supply their own. */
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
  /** Progress to start from (a resumed task keeps what it had). */
  startProgress?: number;
  /** Logger name put on log events. */
  logger?: string;
  emit(body: ProgressEventBody | TaskEventBody<LogEvent> | TaskEventBody<StatusEvent>): void;
  saveCheckpoint(state: unknown): Promise<void>;
  setStatus(status: 'input_required' | 'working', message?: string): void;
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

class TaskContextImpl implements TaskContext {
  private progressReporter?: ProgressReporter;
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
  get progress(): ProgressReporter {
    return (this.progressReporter ??= new ProgressReporter(
      (body) => this.spec.emit(body),
      this.spec.progressOptions,
      this.spec.startProgress ?? 0,
    ));
  }
  get log(): TaskLogger {
    return (this.logger ??= new TaskLoggerImpl(this.spec));
  }

  checkpoint(state: unknown): Promise<void> {
    if (state === undefined) return Promise.reject(new InvalidArgumentError('checkpoint state', state, 'a JSON-serialisable value'));
    return this.spec.saveCheckpoint(state);
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

  /** @internal the reporter if it was ever used. */
  get usedProgress(): ProgressReporter | undefined {
    return this.progressReporter;
  }
}


export function createTaskContext(spec: TaskContextSpec): TaskContext & { readonly usedProgress: ProgressReporter | undefined } {
  return new TaskContextImpl(spec);
}
