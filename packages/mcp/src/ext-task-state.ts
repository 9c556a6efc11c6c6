// A Headway task as the tasks extension (2026-07-28) shows it: the neutral state the wire encoders
// of ext-tasks-wire.ts take. The store holds all of it, so it reads the same after a restart.
import type { InputRequest, TaskSnapshot } from '@headway/core';
import type { ExtInputRequest, ExtTaskState, ExtTaskStatus } from './ext-tasks-wire.js';
import { pollIntervalMs } from './poll-interval.js';
import type { PollPolicy } from './poll-interval.js';
import type { LiveProgress } from './progress-memo.js';
import { taskEtaMs, taskStatusMessage } from './task-status-line.js';
import { isCallToolResult, lastChangedAt } from './task-view.js';

const INTERNAL_ERROR = -32603;

/** The extension's view of a task record at `now`; `live`: the latest progress facts seen in this process, and when it last moved. */
export function extTaskState(record: TaskSnapshot, now: number, policy?: PollPolicy, live?: LiveProgress): ExtTaskState {
  const status = extStatus(record);
  const lastUpdatedAt = lastChangedAt(record, live);
  const etaMs = status === 'working' ? taskEtaMs(record, now, live) : undefined;
  const state: ExtTaskState = {
    taskId: record.id,
    status,
    createdAt: record.createdAt,
    lastUpdatedAt,
    // Readable for the retention after it ends; while it runs, nothing bounds it yet.
    ttlMs: record.expiresAt !== undefined ? Math.max(0, record.expiresAt - record.createdAt) : record.ttlMs,
  };
  const message = taskStatusMessage(record, status, now, live);
  if (message !== undefined) state.statusMessage = message;
  const poll = pollIntervalMs({ status, ...(etaMs !== undefined && { etaMs }), idleMs: now - lastUpdatedAt }, policy);
  if (poll !== undefined) state.pollIntervalMs = poll;
  if (status === 'completed') state.result = record.result as Record<string, unknown>;
  if (status === 'failed') state.error = { code: INTERNAL_ERROR, message: record.error?.message ?? 'The task failed' };
  if (status === 'input_required' && record.inputRequest) state.inputRequests = inputRequestsOf(record.inputRequest);
  return state;
}

/**
 * Statuses on this wire: `queued` is `working`, and a tool result with `isError` (which Headway
 * records as a failed task) is `completed`: the request itself succeeded.
 */
export function extStatus(record: TaskSnapshot): ExtTaskStatus {
  switch (record.status) {
    case 'queued':
      return 'working';
    case 'failed':
      return isCallToolResult(record.result) && record.result.isError === true ? 'completed' : 'failed';
    default:
      return record.status;
  }
}

/** The question a task waits on, as the `elicitation/create` request the client is to fulfil, keyed by its id. */
export function inputRequestsOf(request: InputRequest): Record<string, ExtInputRequest> {
  return { [request.id]: { method: 'elicitation/create', params: elicitParams(request) } };
}

/** `elicitation/create` params (form mode) for a stored question. */
export function elicitParams(request: InputRequest): Record<string, unknown> {
  return { mode: 'form', message: request.message, requestedSchema: request.schema ?? { type: 'object', properties: {} } };
}
