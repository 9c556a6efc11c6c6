// The wire shapes of the MCP tasks extension (`io.modelcontextprotocol/tasks`, SEP-2663, protocol
// 2026-07-28): the flat CreateTaskResult a `tools/call` answers with, the detailed task of
// `tasks/get` (and `notifications/tasks`), and the empty acknowledgements of `tasks/update` and
// `tasks/cancel`. Plain JSON in, plain JSON out: no SDK and no core types, so every binding can use it.

/** The extension's identifier, in capabilities and in `-32021` errors. */
export const TASKS_EXTENSION_ID = 'io.modelcontextprotocol/tasks';

/** Task statuses on this wire (the core's `queued` is `working` here). */
export type ExtTaskStatus = 'working' | 'input_required' | 'completed' | 'failed' | 'cancelled';

/** A JSON-RPC error object, as a failed task carries it. */
export interface JsonRpcErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

/** One server-to-client request a waiting task asks the client to fulfil (`elicitation/create`, …). */
export interface ExtInputRequest {
  method: string;
  params?: Record<string, unknown>;
}

/** What the encoders need to know about a task; times are epoch milliseconds. */
export interface ExtTaskState {
  taskId: string;
  status: ExtTaskStatus;
  statusMessage?: string;
  createdAt: number;
  lastUpdatedAt: number;
  /** How long the task stays readable after creation; null for unlimited. */
  ttlMs: number | null;
  pollIntervalMs?: number;
  /** The final result of the original request (a `CallToolResult`) when completed. */
  result?: Record<string, unknown>;
  /** The JSON-RPC error of the original request when failed. */
  error?: JsonRpcErrorObject;
  /** The outstanding requests when input_required, by key (unique over the task's life). */
  inputRequests?: Record<string, ExtInputRequest>;
}

/** The `Task` fields every shape shares. */
export interface ExtTask {
  taskId: string;
  status: ExtTaskStatus;
  statusMessage?: string;
  createdAt: string;
  lastUpdatedAt: string;
  ttlMs: number | null;
  pollIntervalMs?: number;
}

export type CreateTaskResultWire = ExtTask & { resultType: 'task' };

/** A task with what its status carries: `result`, `error` or `inputRequests`. */
export type DetailedTaskWire = ExtTask & {
  result?: Record<string, unknown>;
  error?: JsonRpcErrorObject;
  inputRequests?: Record<string, ExtInputRequest>;
};

export type GetTaskResultWire = DetailedTaskWire & { resultType: 'complete' };

/** The flat answer to a `tools/call` that became a task. Send it only once `tasks/get` would find the task. */
export function encodeCreateTaskResult(state: ExtTaskState): CreateTaskResultWire {
  return { resultType: 'task', ...taskFields(state) };
}

/** The answer to `tasks/get`. */
export function encodeGetTaskResult(state: ExtTaskState): GetTaskResultWire {
  return { resultType: 'complete', ...encodeDetailedTask(state) };
}

/** The params of `notifications/tasks`: the same detailed task `tasks/get` would answer. */
export function encodeDetailedTask(state: ExtTaskState): DetailedTaskWire {
  const task: DetailedTaskWire = taskFields(state);
  switch (state.status) {
    case 'completed':
      task.result = completeResult(state.result);
      break;
    case 'failed':
      task.error = state.error ?? { code: -32603, message: state.statusMessage ?? 'Internal error' };
      break;
    case 'input_required':
      task.inputRequests = state.inputRequests ?? {};
      break;
    default:
  }
  return task;
}

/** The empty acknowledgement of `tasks/update` and `tasks/cancel`. */
export function encodeAcknowledgement(): { resultType: 'complete' } {
  return { resultType: 'complete' };
}

function taskFields(state: ExtTaskState): ExtTask {
  const createdAt = new Date(state.createdAt).toISOString();
  const task: ExtTask = {
    taskId: state.taskId,
    status: state.status,
    createdAt,
    lastUpdatedAt: state.lastUpdatedAt === state.createdAt ? createdAt : new Date(state.lastUpdatedAt).toISOString(),
    ttlMs: state.ttlMs === null ? null : Math.round(state.ttlMs),
  };
  if (state.statusMessage !== undefined) task.statusMessage = state.statusMessage;
  if (state.pollIntervalMs !== undefined) task.pollIntervalMs = Math.round(state.pollIntervalMs);
  return task;
}

// The inlined result is itself a complete result of the original request: it carries
// `resultType: "complete"` (the ext-tasks client rejects it otherwise) and a `content` array.
function completeResult(result: Record<string, unknown> | undefined): Record<string, unknown> {
  const value = result ?? {};
  return { ...value, resultType: 'complete', content: Array.isArray(value.content) ? value.content : [] };
}
