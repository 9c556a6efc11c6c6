// The server side of mcp-overhead, in its own process as in any deployment: both McpServers
// (Headway's and the SDK's own task store) behind one Streamable HTTP server on loopback.
// Prints "listening <port>" on stdout; exits when its stdin closes (the bench ended or died).
// With --stdio, it serves Headway's McpServer over stdio instead (spawned by the client's transport).
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TaskManager } from '@headway/core';
import { attachHeadway } from '@headway/mcp';
import { InMemoryTaskStore } from '@modelcontextprotocol/sdk/experimental/tasks/stores/in-memory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';

function headwayServer(manager: TaskManager): McpServer {
  const server = new McpServer({ name: 'bench-headway', version: '0.0.0' });
  server.registerTool('plain', { description: 'Returns at once.', inputSchema: { n: z.number() } }, async ({ n }) => ({
    content: [{ type: 'text', text: String(n) }],
  }));
  const headway = attachHeadway(server, { manager });
  headway.registerTool('handled', { description: 'Handle mode.', inputSchema: { n: z.number() }, task: { mode: 'handle' } }, async ({ n }) => ({ n }));
  headway.registerTool('native', { description: 'Native task.', inputSchema: { n: z.number() }, task: { mode: 'native' } }, async ({ n }) => ({
    content: [{ type: 'text', text: String(n) }],
  }));
  // Called with and without a progress token. `inline` ends before any progress goes out; `inline_progress`
  // reports 50 and lets it go out first, so with a token its final 100 travels right before the answer.
  headway.registerTool('inline', { description: 'Inline mode, returns at once.', inputSchema: { n: z.number() }, task: { mode: 'inline' } }, async ({ n }) => ({
    content: [{ type: 'text', text: String(n) }],
  }));
  headway.registerTool(
    'inline_progress',
    { description: 'Inline mode, reports progress once.', inputSchema: { n: z.number() }, task: { mode: 'inline' } },
    async ({ n }, ctx) => {
      ctx.progress.update(50);
      await new Promise((resolve) => setImmediate(resolve));
      return { content: [{ type: 'text', text: String(n) }] };
    },
  );
  // The same, but it outlives the 100 ms within which Headway holds an inline call's progress back on
  // stdio (`progressAfterMs`, default): its 50 and its final 100 are due there too.
  headway.registerTool(
    'inline_progress_slow',
    { description: 'Inline mode, reports progress once, returns after 150 ms.', inputSchema: { n: z.number() }, task: { mode: 'inline' } },
    async ({ n }, ctx) => {
      ctx.progress.update(50);
      await new Promise((resolve) => setTimeout(resolve, 150));
      return { content: [{ type: 'text', text: String(n) }] };
    },
  );
  return server;
}

// Its ttl timers are not unref'd: cleaned up at the end so the process can exit.
const sdkStores: InMemoryTaskStore[] = [];

function sdkServer(): McpServer {
  const taskStore = new InMemoryTaskStore();
  sdkStores.push(taskStore);
  const server = new McpServer(
    { name: 'bench-sdk', version: '0.0.0' },
    { taskStore, capabilities: { tasks: { list: {}, cancel: {}, requests: { tools: { call: {} } } } } },
  );
  server.experimental.tasks.registerToolTask(
    'native',
    { description: 'Native task on the SDK InMemoryTaskStore.', inputSchema: { n: z.number() }, execution: { taskSupport: 'required' } },
    {
      async createTask({ n }, extra) {
        const task = await extra.taskStore.createTask({ ttl: 3_600_000 });
        // The same trivial work, finished in the background like Headway does.
        setImmediate(() => void extra.taskStore.storeTaskResult(task.taskId, 'completed', { content: [{ type: 'text', text: String(n) }] }));
        return { task };
      },
      getTask: (_args, extra) => extra.taskStore.getTask(extra.taskId),
      getTaskResult: (_args, extra) => extra.taskStore.getTaskResult(extra.taskId) as never,
    },
  );
  return server;
}

/** One HTTP server, one McpServer per session, built by `build` (per path). */
async function listen(routes: Record<string, () => McpServer>): Promise<{ port: number; close(): Promise<void> }> {
  const transports = new Map<string, StreamableHTTPServerTransport>();
  const servers: McpServer[] = [];
  const http: HttpServer = createServer((req, res) => {
    void (async () => {
      const body = req.method === 'POST' ? await readJson(req) : undefined;
      const sid = req.headers['mcp-session-id'];
      let transport = typeof sid === 'string' ? transports.get(sid) : undefined;
      if (!transport) {
        const build = routes[new URL(req.url ?? '/', 'http://x').pathname];
        if (!build || !isInitializeRequest(body)) {
          res.writeHead(404).end();
          return;
        }
        const created: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
          sessionIdGenerator: () => randomUUID(),
          onsessioninitialized: (id) => void transports.set(id, created),
        });
        transport = created;
        const server = build();
        servers.push(server);
        await server.connect(created);
      }
      await transport.handleRequest(req, res, body);
    })();
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    port,
    async close() {
      await Promise.all(servers.map((s) => s.close()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text.length ? JSON.parse(text) : undefined;
}


const manager = new TaskManager();
if (process.argv.includes('--stdio')) {
  await headwayServer(manager).connect(new StdioServerTransport());
  process.stdin.on('end', () => void manager.shutdown({ mode: 'abort', timeoutMs: 1000 }).then(() => process.exit(0)));
} else {
  const http = await listen({ '/headway': () => headwayServer(manager), '/sdk': sdkServer });
  process.stdout.write(`listening ${http.port}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => {
    void (async () => {
      await http.close();
      for (const store of sdkStores) store.cleanup();
      await manager.shutdown({ mode: 'abort', timeoutMs: 1000 });
      process.exit(0);
    })();
  });
}
