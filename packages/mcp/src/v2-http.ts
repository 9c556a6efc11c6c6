// A complete Streamable HTTP endpoint for both protocol generations on SDK v2: one McpServer per
// request (createMcpHandler), Headway attached to each, tools registered by the author's function,
// served from node:http. Task state lives in the manager, so any request (or replica sharing the
// store) can answer for any task.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { InvalidArgumentError } from '@headway/core';
import { createMcpHandler, McpServer } from '@modelcontextprotocol/server';
import type { AuthInfo, CreateMcpHandlerOptions, McpRequestContext, McpServerOptions } from '@modelcontextprotocol/server';
import { toNodeListener } from './node-http-adapter.js';
import { BEARER_NOTE, taskOwner } from './owner-rule.js';
import type { OwnerFunction } from './owner-rule.js';
import { attachHeadway } from './v2-attach.js';
import type { HeadwayMcpV2, HeadwayV2Options } from './v2-attach.js';

export interface HttpHandlerOptions extends Omit<HeadwayV2Options, 'era' | 'transport' | 'progressAfterMs'> {
  /** The server's name and version (`serverInfo`). */
  serverInfo: { name: string; version: string };
  /** Registers the tools on each instance: `headway.registerTool(…)`, and plain `headway`-less tools on `server`. */
  tools: (headway: HeadwayMcpV2, server: McpServer, context: McpRequestContext) => void;
  /** Options of each McpServer (capabilities, instructions, …). */
  serverOptions?: McpServerOptions;
  /** Options of createMcpHandler (response mode, legacy posture, …). */
  handlerOptions?: CreateMcpHandlerOptions;
  /** Verifies a request's credentials (node:http side); the result becomes `authInfo`. */
  authenticate?: (req: IncomingMessage) => AuthInfo | undefined | Promise<AuthInfo | undefined>;
  /** Where notes (the bearer-capability note, at the first request it cannot tell apart) and errors go. Default stderr. */
  log?: (line: string) => void;
}

export interface HttpHandler {
  /** The web-standard face (Workers, Bun, Deno, or your own framework). */
  readonly fetch: (request: Request, options?: { authInfo?: AuthInfo }) => Promise<Response>;
  /** The node:http face: `createServer(handler.listener)`. */
  readonly listener: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  close(): Promise<void>;
}

export function createHttpHandler(options: HttpHandlerOptions): HttpHandler {
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('createHttpHandler options', options, 'an object');
  const { serverInfo, tools, serverOptions, handlerOptions, authenticate, log = (line: string) => process.stderr.write(`${line}\n`), ...headwayOptions } = options;
  if (typeof serverInfo?.name !== 'string' || typeof serverInfo.version !== 'string') throw new InvalidArgumentError('serverInfo', serverInfo, '{ name, version }');
  if (typeof tools !== 'function') throw new InvalidArgumentError('tools', tools, 'a function (headway, server, context) => void');
  if (typeof log !== 'function') throw new InvalidArgumentError('log', log, 'a function (line) => void');
  if (authenticate !== undefined && typeof authenticate !== 'function') throw new InvalidArgumentError('authenticate', authenticate, 'a function (req) => authInfo | undefined');
  const owner = notingBearer(headwayOptions.owner, () => log(BEARER_NOTE));
  const build = (context: McpRequestContext): McpServer => {
    const server = new McpServer(serverInfo, serverOptions);
    const headway = attachHeadway(server, { ...headwayOptions, owner, era: context.era, transport: 'http' });
    tools(headway, server, context);
    return server;
  };
  // One instance now: checks the options and tools at once and defines every tool's kind, so tasks
  // recovered after a restart run before the first request.
  build({ era: 'modern' });
  const handler = createMcpHandler(build, { onerror: (error) => log(`@headway/mcp: ${error.message}`), ...handlerOptions });
  const listener = toNodeListener(handler.fetch, {
    ...(authenticate && { requestOptions: async (req: IncomingMessage) => ({ authInfo: await authenticate(req) }) }),
    onError: (error) => log(`@headway/mcp: ${error instanceof Error ? error.message : String(error)}`),
  });
  return { fetch: handler.fetch, listener, close: () => handler.close() };
}

/**
 * The author's owner function (if any), saying once, at the first request whose owner falls back
 * to the anonymous one (no owner named, no authenticated principal), that task ids are then bearer
 * capabilities. A server whose every request is authenticated, or named, never says it.
 */
function notingBearer(ownerFn: OwnerFunction | undefined, note: () => void): OwnerFunction {
  let noted = false;
  return (request) => {
    const named = ownerFn?.(request);
    if (!noted && !taskOwner(request, () => named).distinct) {
      noted = true;
      note();
    }
    return named;
  };
}
