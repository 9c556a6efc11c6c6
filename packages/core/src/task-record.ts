export const TASK_STATUSES = ['queued', 'working', 'input_required', 'completed', 'failed', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export type TerminalStatus = 'completed' | 'failed' | 'cancelled';
export type ActiveStatus = Exclude<TaskStatus, TerminalStatus>;

export const TERMINAL_STATUSES: readonly TerminalStatus[] = ['completed', 'failed', 'cancelled'];
export const ACTIVE_STATUSES: readonly ActiveStatus[] = ['queued', 'working', 'input_required'];

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

/**
 * The persistent state of one task. Stores keep it; the TaskManager is its only writer.
 * Everything in it is JSON-serialisable (input, result and checkpoint must be too for durable stores).
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
  /** When a retry is due (while queued between attempts). */
  nextAttemptAt?: number;
  /** Position in the run queue, 1-based; only on records returned for queued tasks. */
  queuePosition?: number;
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
  >
>;

export function toErrorInfo(error: unknown): TaskErrorInfo {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return {
      name: error.name,
      message: error.message,
      ...(typeof code === 'string' ? { code } : {}),
    };
  }
  return { name: 'Error', message: typeof error === 'string' ? error : JSON.stringify(error) ?? String(error) };
}
