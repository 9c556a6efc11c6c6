import type { TaskManager, TaskSnapshot as TaskRecord, TaskStatus } from '@headway/core';
import type { CallToolResult, Task } from '@modelcontextprotocol/sdk/types.js';
import { progressMemoOf } from './progress-memo.js';
import type { LiveProgress } from './progress-memo.js';
import { taskStatusMessage } from './task-status-line.js';

/** `_meta` key of the task a message relates to (2025-11-25). */
export const RELATED_TASK_META_KEY = 'io.modelcontextprotocol/related-task';

/** A tool result as both SDK generations shape it (content blocks, structured content, isError). */
export type ToolResult = CallToolResult;

/** MCP has no `queued`: a task waiting for a slot is `working` to the client. */
export function toMcpStatus(status: TaskStatus): Task['status'] {
  return status === 'queued' ? 'working' : status;
}

/**
 * A Headway record as an MCP Task (2025-11-25); `live`: what this process saw of its progress
 * (phase and counts in the status line of `statusMessage`, and its latest move in `lastUpdatedAt`).
 */
export function toMcpTask(record: TaskRecord, pollIntervalMs: number, live?: LiveProgress): Task {
  const status = toMcpStatus(record.status);
  const updatedAt = lastChangedAt(record, live);
  const message = taskStatusMessage(record, status, Date.now(), live);
  const createdAt = new Date(record.createdAt).toISOString();
  return {
    taskId: record.id,
    status,
    ttl: record.ttlMs,
    createdAt,
    lastUpdatedAt: updatedAt === record.createdAt ? createdAt : new Date(updatedAt).toISOString(),
    pollInterval: pollIntervalMs,
    ...(message !== undefined && { statusMessage: message }),
  };
}

/** The MCP Task of a record as `tasks/get` and `tasks/list` answer it, with the progress this process saw of it. */
export function liveMcpTask(manager: TaskManager, record: TaskRecord, pollIntervalMs: number): Task {
  return toMcpTask(record, pollIntervalMs, progressMemoOf(manager).facts(record.id, Date.now()));
}

/**
 * When a task last changed, epoch ms: created, started, asked a question, finished, or (as far as
 * this process saw, `live`) moved its progress. The store keeps no time of progress.
 */
export function lastChangedAt(record: TaskRecord, live?: LiveProgress): number {
  return Math.max(record.createdAt, record.startedAt ?? 0, record.inputRequest?.requestedAt ?? 0, record.finishedAt ?? 0, live?.movedAt ?? 0);
}

/** The tool result a finished task stands for: its own result, or an `isError` result saying why not. */
export function finalToolResult(record: TaskRecord): CallToolResult {
  if (record.status === 'completed' && isCallToolResult(record.result)) return record.result;
  if (record.status === 'completed') return toCallToolResult(record.result);
  if (record.status === 'failed' && isCallToolResult(record.result)) return record.result;
  const why = record.error?.message ?? record.status;
  const text = record.status === 'cancelled' ? `Task ${record.id} was cancelled: ${why}` : `Task ${record.id} failed: ${why}`;
  return { content: [{ type: 'text', text }], isError: true };
}

/** Same, with the related-task metadata `tasks/result` carries. */
export function withRelatedTask(result: CallToolResult, taskId: string): CallToolResult {
  return { ...result, _meta: { ...result._meta, [RELATED_TASK_META_KEY]: { taskId } } };
}

export function isCallToolResult(value: unknown): value is CallToolResult {
  return typeof value === 'object' && value !== null && Array.isArray((value as { content?: unknown }).content);
}

/** A handler's return value as a tool result: objects become structured content plus their JSON as text. */
export function toCallToolResult(value: unknown): CallToolResult {
  if (isCallToolResult(value)) return value;
  if (value === undefined) return { content: [] };
  if (typeof value === 'string') return { content: [{ type: 'text', text: value }] };
  const text = JSON.stringify(value) ?? String(value);
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return { content: [{ type: 'text', text }], structuredContent: value as Record<string, unknown> };
  }
  return { content: [{ type: 'text', text }] };
}
