// Who speaks the tasks extension: the client's per-request declaration, the server's advertisement,
// and the JSON-RPC errors the extension names. SDK-independent (the SDK exports the same key).
import { TASKS_EXTENSION_ID } from './ext-tasks-wire.js';
import type { JsonRpcErrorObject } from './ext-tasks-wire.js';

/** The `_meta` key under which a 2026-07-28 request carries the client's capabilities. */
export const CLIENT_CAPABILITIES_META_KEY = 'io.modelcontextprotocol/clientCapabilities';

/** JSON-RPC code: the request needs a capability the client did not declare on it. */
export const MISSING_REQUIRED_CLIENT_CAPABILITY = -32021;
/** JSON-RPC code: invalid params, also an unknown, expired or foreign task id. */
export const INVALID_PARAMS = -32602;

/** What a server adds to its capabilities (for `server/discover`) to offer the extension. */
export function tasksExtensionCapability(): { extensions: Record<string, Record<string, never>> } {
  return { extensions: { [TASKS_EXTENSION_ID]: {} } };
}

/**
 * Whether this request's client declared the extension: `_meta` (or the SDK's parsed envelope, which
 * uses the same key) holds `clientCapabilities.extensions["io.modelcontextprotocol/tasks"]` as an
 * object. Earlier requests do not count: the declaration is per request.
 */
export function declaresTasksExtension(meta: unknown): boolean {
  const capabilities = member(meta, CLIENT_CAPABILITIES_META_KEY);
  return isPlainObject(member(member(capabilities, 'extensions'), TASKS_EXTENSION_ID));
}

/** The error for a request that can only be served as a task, or a `tasks/*` request, from a client that did not declare the extension. */
export function missingTasksExtensionError(message = 'Missing required client capability'): JsonRpcErrorObject & { data: { requiredCapabilities: object } } {
  return { code: MISSING_REQUIRED_CLIENT_CAPABILITY, message, data: { requiredCapabilities: tasksExtensionCapability() } };
}

/** The error for an id that is unknown, expired or another owner's: all answer the same. */
export function taskNotFoundError(): JsonRpcErrorObject {
  return { code: INVALID_PARAMS, message: 'Failed to retrieve task: Task not found' };
}

function member(value: unknown, key: string): unknown {
  return isPlainObject(value) ? value[key] : undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
