import { InvalidArgumentError } from '@headway/core';
import { describeValue } from '@headway/core/spi';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';

const EXPECTED = 'an McpServer from @modelcontextprotocol/sdk/server/mcp.js (its ESM or CommonJS build), not connected yet';

/** What attachHeadway uses of an McpServer, by path: a class check would refuse the SDK's other build. */
const MEMBERS = ['registerTool', 'registerResource', 'connect', 'server.registerCapabilities', 'server.setRequestHandler', 'server.notification'] as const;

/** An invalid server, said in full: what was expected, and what came (not "[object Object]"). */
class InvalidServerError extends InvalidArgumentError {
  constructor(value: unknown, came: string) {
    super('server', value, EXPECTED);
    this.message = `Invalid server: ${came} (expected ${EXPECTED})`;
  }
}

/**
 * Accepts an McpServer of either SDK build (ESM and CommonJS load two copies of the class, so
 * `instanceof` refuses the one the caller did not import) by what Headway uses of it.
 */
export function checkServer(value: unknown): asserts value is McpServer {
  if (missingMembers(value).length > 0) throw new InvalidServerError(value, describeServer(value));
}

/** The server refused `registerCapabilities`: it is connected already. */
export function connectedServerError(value: McpServer, reason: string): InvalidArgumentError {
  return new InvalidServerError(value, `an McpServer that is connected already (${reason}); attach Headway before connect()`);
}

function missingMembers(value: unknown): string[] {
  return MEMBERS.filter((path) => typeof memberAt(value, path) !== 'function');
}

function memberAt(value: unknown, path: string): unknown {
  let at = value;
  for (const key of path.split('.')) {
    if ((typeof at !== 'object' && typeof at !== 'function') || at === null) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

function describeServer(value: unknown): string {
  if (typeof value !== 'object' || value === null) return describeValue(value);
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  const what = typeof name === 'string' && name !== 'Object' && name.length > 0 ? `an instance of ${name}` : 'a plain object';
  const missing = missingMembers(value);
  // The low-level Server has setRequestHandler but none of McpServer's register* methods.
  const hint = typeof (value as { setRequestHandler?: unknown }).setRequestHandler === 'function' ? '; a low-level Server: pass the McpServer that wraps it' : '';
  return `${what} without ${missing.join(', ')}${hint}`;
}
