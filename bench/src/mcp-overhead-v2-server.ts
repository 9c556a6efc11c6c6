// The server side of mcp-overhead-v2, in its own process: one node:http server on loopback with
// Headway on SDK v2 at /v2 (both protocol generations; per-request McpServer instances) and Headway
// on SDK v1 at /v1 (sessions). Prints "listening <port>"; exits when its stdin closes.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TaskManager } from '@headway/core';
import { attachHeadway } from '@headway/mcp';
import { createHttpHandler } from '@headway/mcp/v2';
import { fromJsonSchema } from '@modelcontextprotocol/server';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';

const manager = new TaskManager({ resources: { enabled: false } });
const N = fromJsonSchema<{ n: number }>({ type: 'object', properties: { n: { type: 'number' } }, required: ['n'] });
const answer = (n: number) => ({ content: [{ type: 'text' as const, text: String(n) }] });

const v2 = createHttpHandler({
  manager,
  serverInfo: { name: 'bench-v2', version: '0.0.0' },
  owner: () => 'bench',
  // Poll as soon as the server allows: settling measures the binding, not a poll interval.
  pollPolicy: { minMs: 1, baseMs: 1 },
  log: () => undefined,
  tools: (headway, server) => {
    // The same trivial tool: plain (no Headway), Headway inline, and Headway native (an extension task at once).
    server.registerTool('plain', { description: 'Returns at once.', inputSchema: N }, async ({ n }) => answer(n));
    headway.registerTool('inline', { description: 'Inline.', inputSchema: N, task: { mode: 'inline' } }, async ({ n }) => answer(n));
    headway.registerTool('task', { description: 'Native.', inputSchema: N, task: { mode: 'native' } }, async ({ n }) => answer(n));
  },
});

const transports = new Map<string, StreamableHTTPServerTransport>();
function v1Server(): McpServer {
  const server = new McpServer({ name: 'bench-v1', version: '0.0.0' });
  const headway = attachHeadway(server, { manager });
  headway.registerTool('task', { description: 'Native.', inputSchema: { n: z.number() }, task: { mode: 'native' } }, async ({ n }) => answer(n));
  return server;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

const http = createServer((req, res) => {
  if (req.url?.startsWith('/v2')) return void v2.listener(req, res);
  void (async () => {
    const body = req.method === 'POST' ? await readJson(req) : undefined;
    const sid = req.headers['mcp-session-id'];
    let transport = typeof sid === 'string' ? transports.get(sid) : undefined;
    if (!transport && isInitializeRequest(body)) {
      transport = new StreamableHTTPServerTransport({ sessionIdGenerator: randomUUID, onsessioninitialized: (id) => void transports.set(id, transport!) });
      await v1Server().connect(transport);
    }
    if (!transport) return void res.writeHead(400).end();
    await transport.handleRequest(req, res, body);
  })();
});
http.listen(0, '127.0.0.1', () => console.log(`listening ${(http.address() as AddressInfo).port}`));
process.stdin.resume();
process.stdin.on('end', () => {
  void v2.close();
  http.close();
  void manager.shutdown({ mode: 'abort', timeoutMs: 1000 }).finally(() => process.exit(0));
});
