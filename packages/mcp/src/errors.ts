import { TaskNotFoundError } from '@headway/core';
import type { ToolResult } from './task-view.js';

/** JSON-RPC error codes Headway answers with (the same numbers in both protocol generations). */
export const ErrorCode = Object.freeze({
  ConnectionClosed: -32000,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
});

/** A schema issue as zod and Standard Schema give it: a message, and path segments (keys, or `{ key }`). */
export interface SchemaIssue {
  readonly message?: string | undefined;
  readonly path?: readonly (PropertyKey | { readonly key: PropertyKey })[] | undefined;
}

/** One issue as `path: message` (`items[2].name: Required`), or its message when it has no path; both SDKs say issues this way. */
export function issueText(issue: SchemaIssue): string {
  const message = issue.message ?? 'invalid';
  let path = '';
  for (const raw of issue.path ?? []) {
    const segment = typeof raw === 'object' && raw !== null ? raw.key : raw;
    if (typeof segment === 'number') path += `[${segment}]`;
    else path += path ? `.${String(segment)}` : String(segment);
  }
  return path ? `${path}: ${message}` : message;
}

/** Everything Headway refuses or reports to an MCP client as an error. */
export type Problem =
  | { kind: 'task-not-found'; taskId: string }
  | { kind: 'invalid-arguments'; tool: string; issues: readonly string[] }
  | { kind: 'invalid-output'; tool: string; issues: readonly string[] }
  | { kind: 'invalid-request'; method: string; issues: readonly string[] }
  | { kind: 'tool-disabled'; tool: string }
  | { kind: 'task-forbidden'; tool: string }
  | { kind: 'task-required'; tool: string }
  | { kind: 'listing-off' }
  | { kind: 'already-finished'; taskId: string; status: string }
  | { kind: 'invalid-uri'; uri: string }
  | { kind: 'request-cancelled' }
  /** Any other error (a Headway error such as a cap, or one from elsewhere): its own message; `code` for JSON-RPC. */
  | { kind: 'error'; error: unknown; code?: number };

/**
 * The one place that words an error for a client, so a tool result, a JSON-RPC error and a
 * companion tool say the same thing the same way. JSON-RPC errors carry this text as their
 * `message` (see `protocolError`); the client adds its own `MCP error <code>: ` in front.
 */
export function errorText(problem: Problem): string {
  switch (problem.kind) {
    case 'task-not-found':
      return `Task not found: ${JSON.stringify(problem.taskId)}`;
    case 'invalid-arguments':
      return `Invalid arguments for tool ${problem.tool}: ${problem.issues.join('; ')}`;
    case 'invalid-output':
      return `Invalid output of tool ${problem.tool}: ${problem.issues.join('; ')}`;
    case 'invalid-request':
      return `Invalid ${problem.method} request: ${problem.issues.join('; ')}`;
    case 'tool-disabled':
      return `Tool ${problem.tool} is disabled`;
    case 'task-forbidden':
      return `Tool ${problem.tool} does not support task-augmented calls (execution.taskSupport: "forbidden"); call it without "task"`;
    case 'task-required':
      return `Tool ${problem.tool} must be called as a task (execution.taskSupport: "required"); add "task": {} to the call`;
    case 'listing-off':
      return 'Listing tasks is off on this server: it cannot tell callers apart (no authenticated principal), so a task id is a bearer capability. Use the task ids you were given.';
    case 'already-finished':
      return `Task ${JSON.stringify(problem.taskId)} has already finished (${problem.status}); there is nothing to cancel`;
    case 'invalid-uri':
      return `Invalid uri: ${JSON.stringify(problem.uri)} (expected task://<task id>)`;
    case 'request-cancelled':
      return 'Request cancelled';
    case 'error':
      return messageOf(problem.error);
  }
}

const CODES: Partial<Record<Problem['kind'], number>> = {
  'task-forbidden': ErrorCode.MethodNotFound,
  'task-required': ErrorCode.MethodNotFound,
  'listing-off': ErrorCode.InvalidRequest,
  'invalid-request': ErrorCode.InvalidRequest,
  'request-cancelled': ErrorCode.ConnectionClosed,
};

/** The JSON-RPC error code a problem is answered with. */
export function errorCode(problem: Problem): number {
  if (problem.kind === 'error') {
    if (problem.code !== undefined) return problem.code;
    const code = (problem.error as { code?: unknown } | null)?.code;
    return Number.isSafeInteger(code) ? (code as number) : ErrorCode.InternalError;
  }
  return CODES[problem.kind] ?? ErrorCode.InvalidParams;
}

/** A problem as a tool result with `isError`, which a model can read. */
export function toolError(problem: Problem): ToolResult {
  return { content: [{ type: 'text', text: errorText(problem) }], isError: true };
}

/** What a caught error is to a client: a missing task is worded like every other one. */
export function problemOf(error: unknown, code?: number): Problem {
  if (error instanceof TaskNotFoundError) return { kind: 'task-not-found', taskId: error.taskId };
  return code === undefined ? { kind: 'error', error } : { kind: 'error', error, code };
}

/** An error's message without the `MCP error <code>: ` prefixes an `McpError` adds (any number of them). */
function messageOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^(?:MCP error -?\d+: )+/, '');
}
