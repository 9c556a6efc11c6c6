import type { TaskErrorInfo } from './task-record.js';

/** The stable, machine-readable codes of Headway's errors. */
export type HeadwayErrorCode =
  | 'invalid_argument'
  | 'task_not_found'
  | 'unknown_kind'
  | 'limit_exceeded'
  | 'non_retryable'
  | 'task_error_result'
  | 'timeout'
  | 'cancelled'
  | 'dependency_failed'
  | 'interrupted'
  | 'shutdown'
  | 'task_failed'
  | 'input_timeout'
  | 'input_unavailable'
  | 'duplicate_id'
  | 'store_write_failed'
  | 'store_corrupt'
  | 'store_locked'
  | 'store_unavailable'
  | 'backend_unavailable';

/** Base class of every error Headway throws; `code` is stable and machine-readable. */
export class HeadwayError extends Error {
  readonly code: HeadwayErrorCode;
  constructor(code: HeadwayErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A public entry point was given a value it cannot accept. Names the argument and the value. */
export class InvalidArgumentError extends HeadwayError {
  readonly argument: string;
  readonly value: unknown;
  constructor(argument: string, value: unknown, expected: string) {
    super('invalid_argument', `Invalid ${argument}: ${describeValue(value)} (expected ${expected})`);
    this.argument = argument;
    this.value = value;
  }
}

/** The task does not exist, or belongs to another owner: the two are indistinguishable on purpose. */
export class TaskNotFoundError extends HeadwayError {
  readonly taskId: string;
  constructor(taskId: string) {
    super('task_not_found', `Task not found: ${describeValue(taskId)}`);
    this.taskId = taskId;
  }
}

/** A limit (tasks per owner, queue size) would be exceeded. */
export class TaskLimitError extends HeadwayError {
  constructor(message: string) {
    super('limit_exceeded', message);
  }
}

/** Thrown from a task function: the task fails at once, whatever its retry policy. */
export class NonRetryableError extends HeadwayError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('non_retryable', message, options);
  }
}

/**
 * Thrown (or produced by a binding) when a task ends failed but still has a result to keep,
 * such as an MCP tool result with `isError: true`. Retried like any error unless `retryable` is false.
 */
export class TaskResultError extends HeadwayError {
  readonly result: unknown;
  readonly retryable: boolean;
  constructor(message: string, result: unknown, options: { retryable?: boolean } = {}) {
    super('task_error_result', message);
    this.result = result;
    this.retryable = options.retryable ?? false;
  }
}

export class TaskTimeoutError extends HeadwayError {
  constructor(timeoutMs: number) {
    super('timeout', `Task timed out after ${timeoutMs} ms`);
  }
}

export class TaskCancelledError extends HeadwayError {
  constructor(reason = 'Task was cancelled') {
    super('cancelled', reason);
  }
}

/** A dependency ended failed or cancelled and the dependent did not opt to run anyway. */
export class DependencyFailedError extends HeadwayError {
  readonly dependencyId: string;
  constructor(dependencyId: string, status: string) {
    super('dependency_failed', `Dependency ${dependencyId} ended ${status}`);
    this.dependencyId = dependencyId;
  }
}

/** The process stopped while the task was working and the task is not resumable. */
export class InterruptedError extends HeadwayError {
  constructor(message = 'Task was interrupted by restart before it finished') {
    super('interrupted', message);
  }
}

export class ShutdownError extends HeadwayError {
  constructor(message = 'Task manager is shutting down') {
    super('shutdown', message);
  }
}

/**
 * `TaskHandle.result()` rejects with this when the task ended failed or cancelled. Its own code is
 * always `task_failed`; the task's error (with the task's code) is `taskError`.
 */
export class TaskFailedError extends HeadwayError {
  readonly taskId: string;
  readonly status: 'failed' | 'cancelled';
  readonly taskError: TaskErrorInfo | undefined;
  constructor(taskId: string, status: 'failed' | 'cancelled', taskError: TaskErrorInfo | undefined) {
    super('task_failed', `Task ${taskId} ${status}: ${taskError?.message ?? status}`);
    this.taskId = taskId;
    this.status = status;
    this.taskError = taskError;
  }
}

/** `create` named a kind that no `define` registered here, no `fn` came with it, and the caller did not say it is defined elsewhere. */
export class UnknownKindError extends HeadwayError {
  readonly kind: string;
  constructor(kind: string) {
    super(
      'unknown_kind',
      `No task kind ${describeValue(kind)} is defined: define it with manager.define(kind, fn) first, pass fn, ` +
        'or pass awaitDefinition: true when it is defined later or in another process',
    );
    this.kind = kind;
  }
}

/** The store refused or failed to keep something a transition had to write; the task ends failed with this. */
export class StoreWriteError extends HeadwayError {
  constructor(what: string, taskId: string, cause: unknown) {
    super('store_write_failed', `Could not store the ${what} of task ${taskId}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** `ctx.elicit` waited longer than its `timeoutMs` for an answer. */
export class InputTimeoutError extends HeadwayError {
  constructor(timeoutMs: number) {
    super('input_timeout', `No answer to the input request within ${timeoutMs} ms`);
  }
}

/** Nobody can answer an input request (e.g. the client of an inline call cannot elicit). */
export class InputUnavailableError extends HeadwayError {
  constructor(message: string) {
    super('input_unavailable', message);
  }
}

export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  try {
    const json = JSON.stringify(value);
    return json.length > 80 ? `${json.slice(0, 77)}...` : json;
  } catch {
    return Object.prototype.toString.call(value);
  }
}
