import type { ElicitRequest } from '../context/elicit.js';
import type { ResourceUsage, TaskEventBody } from '../events.js';
import type { InputResponse, TaskErrorInfo } from '../task-record.js';

/** Messages from a worker thread to the executor. */
export type FromWorker =
  | { t: 'event'; body: TaskEventBody }
  | { t: 'status'; status: 'input_required' | 'working'; message?: string }
  | { t: 'checkpoint'; id: number; state: unknown }
  | { t: 'input'; id: number; request: ElicitRequest }
  | { t: 'resources'; usage: ResourceUsage; sample: 'start' | 'running' | 'end' }
  | { t: 'done'; result: unknown }
  | { t: 'error'; error: TaskErrorInfo & { retryable?: boolean } };

/** Messages from the executor to a worker thread. */
export type ToWorker =
  | { t: 'abort'; reason: TaskErrorInfo }
  | { t: 'ack'; id: number; value?: InputResponse }
  | { t: 'nack'; id: number; error: TaskErrorInfo };

/** Rebuilds an error that crossed a thread boundary, keeping name, code and retryability. */
export function reviveError(info: TaskErrorInfo & { retryable?: boolean }): Error {
  const error = new Error(info.message) as Error & { code?: string; retryable?: boolean };
  error.name = info.name;
  if (info.code !== undefined) error.code = info.code;
  if (info.retryable !== undefined) error.retryable = info.retryable;
  return error;
}
