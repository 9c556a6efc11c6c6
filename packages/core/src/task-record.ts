export const TASK_STATUSES = ['queued', 'working', 'input_required', 'completed', 'failed', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export type TerminalStatus = 'completed' | 'failed' | 'cancelled';
export type ActiveStatus = Exclude<TaskStatus, TerminalStatus>;

export const TERMINAL_STATUSES: readonly TerminalStatus[] = Object.freeze(['completed', 'failed', 'cancelled']);
export const ACTIVE_STATUSES: readonly ActiveStatus[] = Object.freeze(['queued', 'working', 'input_required']);

export function isTerminal(status: TaskStatus): status is TerminalStatus {
  return status === 'completed' || status === 'failed' || status === 'cancelled';
}

/** A serialisable description of why a task failed. */
export interface TaskErrorInfo {
  name: string;
  message: string;
  code?: string;
  retryable?: boolean;
}

/** A question a task asked (`ctx.elicit`) and waits on; stored, so it survives a restart. */
export interface InputRequest {
  /** Unguessable; an answer names it. */
  readonly id: string;
  /** What to ask, for a person. */
  readonly message: string;
  /** JSON Schema of the object asked for (an object schema of primitive fields, as MCP elicitation takes). */
  readonly schema?: Readonly<Record<string, unknown>>;
  readonly requestedAt: number;
  /** Epoch ms after which the question is no longer answered. */
  readonly expiresAt?: number;
}

/** The answer to an `InputRequest`. */
export interface InputResponse {
  readonly requestId: string;
  readonly action: 'accept' | 'decline' | 'cancel';
  /** The answered fields, with `accept`. */
  readonly content?: Readonly<Record<string, unknown>>;
  /** Set (with `cancel`) when nobody can answer, e.g. the client cannot elicit: the task's `elicit` rejects with it. */
  readonly unavailable?: string;
}

/**
 * The persistent state of one task. Stores keep it; the manager's transitions are its only writer.
 * Everything in it is JSON-serialisable (input, result and checkpoint must be too for durable stores).
 * Stores must keep fields they do not know (store the whole record).
 */
export interface TaskRecord {
  readonly id: string;
  readonly owner: string;
  readonly kind: string;
  /** Creation order within a store; used for stable listing and cursors. */
  readonly seq: number;
  status: TaskStatus;
  input?: unknown;
  metadata: Readonly<Record<string, unknown>>;
  /** Overall progress 0–100, as last delivered. */
  progress: number;
  statusMessage?: string;
  result?: unknown;
  error?: TaskErrorInfo;
  /** 1 for the first attempt. */
  attempt: number;
  maxAttempts: number;
  readonly createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  /** Retention after the task finishes, in ms. */
  ttlMs: number;
  /** finishedAt + ttlMs once terminal; sweeping removes the record after it. */
  expiresAt?: number;
  timeoutMs?: number;
  readonly dependsOn: readonly string[];
  /** Run even when a dependency failed or was cancelled. */
  runOnDependencyFailure?: boolean;
  resumable: boolean;
  checkpoint?: unknown;
  /** When the current (or next) attempt was due after a retry's backoff; cleared when the task ends. */
  nextAttemptAt?: number;
  /** The question the task waits on (while `input_required`, and kept over a restart until answered). */
  inputRequest?: InputRequest;
  /** An answer given while the task was not running in the process that took it, for the task to pick up. */
  inputResponse?: InputResponse;
}

/** What the manager hands out (get, wait, list, cancel): a copy of the record, read-only. */
export interface TaskSnapshot extends Readonly<TaskRecord> {
  /** Position in the run queue, 1-based; only on snapshots of queued tasks. */
  readonly queuePosition?: number;
}

/** The fields a store update may change. */
export type TaskPatch = Partial<
  Pick<
    TaskRecord,
    | 'status'
    | 'input'
    | 'progress'
    | 'statusMessage'
    | 'result'
    | 'error'
    | 'attempt'
    | 'startedAt'
    | 'finishedAt'
    | 'expiresAt'
    | 'checkpoint'
    | 'nextAttemptAt'
    | 'inputRequest'
    | 'inputResponse'
  >
>;

export function toErrorInfo(error: unknown): TaskErrorInfo {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { name: error.name, message: error.message, ...(typeof code === 'string' ? { code } : {}) };
  }
  return { name: 'Error', message: typeof error === 'string' ? error : JSON.stringify(error) ?? String(error) };
}
