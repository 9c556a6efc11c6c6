// The McpServer handed to attachHeadway, checked by what Headway uses of it, for either SDK
// generation: v1 (`@modelcontextprotocol/sdk` 1.x, entry `@headway/mcp`) or v2
// (`@modelcontextprotocol/server` 2.x, entry `@headway/mcp/v2`).
import { InvalidArgumentError } from '@headway/core';
import { describeValue } from '@headway/core/spi';

export type ServerSdk = 'v1' | 'v2';

const EXPECTED: Record<ServerSdk, string> = {
  v1: 'an McpServer from @modelcontextprotocol/sdk/server/mcp.js (its ESM or CommonJS build), not connected yet',
  v2: 'an McpServer from @modelcontextprotocol/server 2.x',
};

/** What attachHeadway uses of an McpServer, by path: a class check would refuse the SDK's other build. */
const MEMBERS: Record<ServerSdk, readonly string[]> = {
  v1: ['registerTool', 'registerResource', 'connect', 'server.registerCapabilities', 'server.setRequestHandler', 'server.notification'],
  v2: ['registerTool', 'connect', 'server.registerCapabilities', 'server.setRequestHandler'],
};

/** The other generation's McpServer, and the entry point that takes it. */
const OTHER: Record<ServerSdk, string> = {
  v1: "an McpServer from @modelcontextprotocol/server 2.x: import attachHeadway from '@headway/mcp/v2'",
  v2: "an McpServer from @modelcontextprotocol/sdk 1.x: import attachHeadway from '@headway/mcp'",
};

/** An invalid server, said in full: what was expected, and what came (not "[object Object]"). */
class InvalidServerError extends InvalidArgumentError {
  constructor(value: unknown, came: string, sdk: ServerSdk) {
    super('server', value, EXPECTED[sdk]);
    this.message = `Invalid server: ${came} (expected ${EXPECTED[sdk]})`;
  }
}

/**
 * Accepts an McpServer of the given SDK generation, of either of its builds (ESM and CommonJS load
 * two copies of the class, so `instanceof` refuses the one the caller did not import), by what
 * Headway uses of it; the other generation's McpServer is named as such.
 */
export function checkServer(value: unknown, sdk: ServerSdk): void {
  const generation = generationOf(value);
  if (generation !== undefined && generation !== sdk) throw new InvalidServerError(value, OTHER[sdk], sdk);
  if (missingMembers(value, sdk).length > 0) throw new InvalidServerError(value, describeServer(value, sdk), sdk);
}

/** The server refused `registerCapabilities`: it is connected already. */
export function connectedServerError(value: unknown, reason: string): InvalidArgumentError {
  return new InvalidServerError(value, `an McpServer that is connected already (${reason}); attach Headway before connect()`, 'v1');
}

/**
 * Which generation an McpServer is, by members only one has: v1 keeps the deprecated `tool()` and
 * `experimental`; v2 dropped them and added `toolInputSchemaJson()` (checked against sdk 1.32 and server 2.4).
 */
function generationOf(value: unknown): ServerSdk | undefined {
  if (typeof value !== 'object' || value === null || typeof memberAt(value, 'registerTool') !== 'function') return undefined;
  if (typeof memberAt(value, 'tool') === 'function' && typeof memberAt(value, 'experimental') === 'object') return 'v1';
  if (typeof memberAt(value, 'toolInputSchemaJson') === 'function' && memberAt(value, 'tool') === undefined) return 'v2';
  return undefined;
}

function missingMembers(value: unknown, sdk: ServerSdk): string[] {
  return MEMBERS[sdk].filter((path) => typeof memberAt(value, path) !== 'function');
}

function memberAt(value: unknown, path: string): unknown {
  let at = value;
  for (const key of path.split('.')) {
    if ((typeof at !== 'object' && typeof at !== 'function') || at === null) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

function describeServer(value: unknown, sdk: ServerSdk): string {
  if (typeof value !== 'object' || value === null) return describeValue(value);
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  const what = typeof name === 'string' && name !== 'Object' && name.length > 0 ? `an instance of ${name}` : 'a plain object';
  const missing = missingMembers(value, sdk);
  // The low-level Server has setRequestHandler but none of McpServer's register* methods.
  const hint = typeof (value as { setRequestHandler?: unknown }).setRequestHandler === 'function' ? '; a low-level Server: pass the McpServer that wraps it' : '';
  return `${what} without ${missing.join(', ')}${hint}`;
}
