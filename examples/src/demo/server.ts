// The demo's MCP server, a process of its own: Streamable HTTP on loopback, tasks in a FileTaskStore
// (so they survive a crash), the live dashboard at /tasks/ and Prometheus metrics at /metrics.
//
// Usage: HEADWAY_DEMO_TOKEN=<secret> node examples/dist/demo/server.js <dataDir>
//   PORT (default 0: any free port), DEMO_INLINE_BUDGET_MS (default 4000).
// Prints one JSON line on stdout once it listens: {"url":"http://127.0.0.1:<port>","pid":<pid>}.
//
// The transport is stateless (no MCP session): the caller is the bearer token's user, so its tasks
// are found again by the same client after this process is killed and started again.
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import { TaskManager } from '@headway/core';
import { createDashboard } from '@headway/dashboard';
import { FileTaskStore } from '@headway/file-store';
import { attachHeadway } from '@headway/mcp';
import { prometheusReporter } from '@headway/prometheus';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { registerDemoTools } from './tools.js';

const dataArg = process.argv[2];
const tokenEnv = process.env.HEADWAY_DEMO_TOKEN;
if (!dataArg || !tokenEnv) {
  console.error('Usage: HEADWAY_DEMO_TOKEN=<secret> node examples/dist/demo/server.js <dataDir>');
  process.exit(2);
}
const token: string = tokenEnv;
const dataDir = resolve(dataArg);
const port = Number(process.env.PORT ?? 0);
const inlineBudgetMs = Number(process.env.DEMO_INLINE_BUDGET_MS ?? 4_000);

const metrics = prometheusReporter({ kinds: ['batch', 'background-batch'] });
const dashboard = createDashboard({ manager: () => manager, basePath: '/tasks', title: 'Headway demo' });
const manager = new TaskManager({
  store: new FileTaskStore(join(dataDir, 'tasks')),
  reporters: [metrics, dashboard],
  maxActivePerOwner: 20,
});
metrics.observe(manager);

/** One McpServer per request (the transport is stateless); they all share the one manager. */
function newMcpServer(): McpServer {
  const server = new McpServer({ name: 'headway-demo', version: '0.1.0' });
  // 45 s by default (below the common 60 s client timeout); short here, so the demo shows a handle.
  registerDemoTools(attachHeadway(server, { manager, inlineBudgetMs }), join(dataDir, 'work'));
  return server;
}

// Registering the tools defines their task kinds, so start() resumes the unfinished tasks at once,
// without waiting for a client to call.
newMcpServer();
await manager.start();

async function serveMcp(req: IncomingMessage & { auth?: AuthInfo }, res: ServerResponse): Promise<void> {
  if (req.headers.authorization !== `Bearer ${token}`) {
    res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer' });
    res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32001, message: 'Unauthorized: send Authorization: Bearer <HEADWAY_DEMO_TOKEN>' }, id: null }));
    return;
  }
  if (req.method !== 'POST') {
    res.writeHead(405, { allow: 'POST' }).end();
    return;
  }
  // A real server verifies the token and puts its subject here: tasks belong to that principal.
  req.auth = { token, clientId: 'headway-demo', scopes: [], extra: { sub: 'demo-user' } };
  const server = newMcpServer();
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
  res.on('close', () => {
    void transport.close();
    void server.close();
  });
  await server.connect(transport);
  await transport.handleRequest(req, res);
}

const serveMetrics = metrics.handler({ path: '/metrics' });
const http = createServer((req, res) => {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  if (path === '/metrics') return void serveMetrics(req, res);
  if (path === '/tasks' || path.startsWith('/tasks/')) return void dashboard.handle(req, res);
  if (path === '/mcp') {
    return void serveMcp(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`Internal error: ${(error as Error).message}\n`);
    });
  }
  res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found: try /mcp, /tasks/ or /metrics\n');
});

http.once('error', (error) => {
  console.error(`The demo server cannot listen on 127.0.0.1:${port}: ${error.message}`);
  process.exit(1);
});
http.listen(port, '127.0.0.1', () => {
  const { port: actual } = http.address() as { port: number };
  console.log(JSON.stringify({ url: `http://127.0.0.1:${actual}`, pid: process.pid }));
});

const stop = async () => {
  http.close();
  await manager.shutdown({ mode: 'abort', timeoutMs: 5_000 });
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
