// What programs get back about a task (handles, task_status, task://), for both bindings: no SDK
// type here (the v2 entry's declarations read it).
import type { TaskSnapshot as TaskRecord, TaskStatus } from '@headway/core';

/** What programs get back about a task: the same shape from handles, task_status and task://. */
export interface TaskSummary {
  [key: string]: unknown;
  taskId: string;
  kind: string;
  status: TaskStatus;
  /** 0–100. */
  progress: number;
  statusMessage?: string;
  createdAt: string;
  finishedAt?: string;
  ttlMs: number;
  error?: { message: string; code?: string };
  /** `task://{id}`, only where the binding serves it (SDK v1 with `resources` on). */
  resourceUri?: string;
}

/**
 * How a binding words a task's `statusMessage` in summaries (undefined: the record's latest
 * message). SDK v2 gives a running task its status line (task-status-line.ts).
 */
export type StatusMessageOf = (record: TaskRecord) => string | undefined;

/** How a binding shows tasks in summaries. */
export interface SummaryView {
  /** The wording of `statusMessage`; without it, the record's latest message. */
  readonly statusMessageOf?: StatusMessageOf | undefined;
  /** Whether this binding serves `task://{id}` (SDK v1 with `resources` on): only then does a summary name it. */
  readonly resources: boolean;
}

export function toSummary(record: TaskRecord, view: SummaryView): TaskSummary {
  const statusMessage = view.statusMessageOf?.(record) ?? record.statusMessage;
  return {
    taskId: record.id,
    kind: record.kind,
    status: record.status,
    progress: Math.round(record.progress * 100) / 100,
    ...(statusMessage !== undefined && { statusMessage }),
    createdAt: new Date(record.createdAt).toISOString(),
    ...(record.finishedAt !== undefined && { finishedAt: new Date(record.finishedAt).toISOString() }),
    ttlMs: record.ttlMs,
    ...(record.error && { error: { message: record.error.message, ...(record.error.code && { code: record.error.code }) } }),
    ...(view.resources && { resourceUri: taskUri(record.id) }),
  };
}

export function taskUri(id: string): string {
  return `task://${id}`;
}
