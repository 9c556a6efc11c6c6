// mcp-overhead: what Headway adds to a tools/call over Streamable HTTP on loopback.
//  1. handle-mode Headway tool, until the handle arrives  vs  a plain registerTool tool returning at once;
//  2. native (task-augmented) Headway tool until CreateTaskResult, and until tasks/result,
//     vs the same tool on the SDK's own InMemoryTaskStore (registerToolTask).
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { TaskManager } from '@headway/core';
import { attachHeadway } from '@headway/mcp';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { InMemoryTaskStore } from '@modelcontextprotocol/sdk/experimental/tasks/stores/in-memory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolResultSchema, CreateTaskResultSchema, isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { median, percentile, writeResult } from './harness.js';

const WARMUP = Number(process.env.MCP_OVERHEAD_WARMUP ?? 200);
const ROUNDS = Number(process.env.MCP_OVERHEAD_ROUNDS ?? 1000);

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
async function listen(routes: Record<string, () => McpServer>): Promise<{ url: (path: string) => URL; close(): Promise<void> }> {
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
    url: (path) => new URL(`http://127.0.0.1:${port}${path}`),
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

async function connect(url: URL): Promise<Client> {
  const client = new Client({ name: 'bench', version: '0.0.0' });
  await client.connect(new StreamableHTTPClientTransport(url));
  return client;
}

type Variant = { name: string; run: (n: number) => Promise<unknown> };

/** Runs the variants interleaved round by round, so drift on a noisy machine hits all alike. */
async function measure(variants: Variant[]): Promise<Record<string, number[]>> {
  for (let i = 0; i < WARMUP; i++) for (const v of variants) await v.run(i);
  const times: Record<string, number[]> = Object.fromEntries(variants.map((v) => [v.name, []]));
  for (let i = 0; i < ROUNDS; i++) {
    for (const v of variants) {
      const start = performance.now();
      await v.run(i);
      times[v.name]!.push(performance.now() - start);
    }
  }
  return times;
}

function describe(times: number[]) {
  return { p50: median(times), p90: percentile(times, 90), p99: percentile(times, 99), n: times.length };
}

export async function main(): Promise<void> {
  const manager = new TaskManager();
  const http = await listen({ '/headway': () => headwayServer(manager), '/sdk': sdkServer });
  const hw = await connect(http.url('/headway'));
  const sdk = await connect(http.url('/sdk'));
  const nativeCall = (client: Client) => (n: number) =>
    client.request({ method: 'tools/call', params: { name: 'native', arguments: { n }, task: { ttl: 3_600_000 } } }, CreateTaskResultSchema);
  const nativeRoundTrip = (client: Client) => async (n: number) => {
    const created = await nativeCall(client)(n);
    return client.experimental.tasks.getTaskResult(created.task.taskId, CallToolResultSchema);
  };
  try {
    const handle = await measure([
      { name: 'plain', run: (n) => hw.callTool({ name: 'plain', arguments: { n } }) },
      { name: 'headwayHandle', run: (n) => hw.callTool({ name: 'handled', arguments: { n } }) },
    ]);
    const create = await measure([
      { name: 'sdkNativeCreate', run: nativeCall(sdk) },
      { name: 'headwayNativeCreate', run: nativeCall(hw) },
    ]);
    const roundTrip = await measure([
      { name: 'sdkNativeRoundTrip', run: nativeRoundTrip(sdk) },
      { name: 'headwayNativeRoundTrip', run: nativeRoundTrip(hw) },
    ]);
    const figures = Object.fromEntries(Object.entries({ ...handle, ...create, ...roundTrip }).map(([k, v]) => [k, describe(v)]));
    const p50 = (k: string) => (figures[k] as { p50: number }).p50;
    const handleRatio = p50('headwayHandle') / p50('plain');
    const createRatio = p50('headwayNativeCreate') / p50('sdkNativeCreate');
    const roundTripRatio = p50('headwayNativeRoundTrip') / p50('sdkNativeRoundTrip');
    writeResult({
      name: 'mcp-overhead',
      description:
        'tools/call over Streamable HTTP on loopback (ms per call, one client, sequential): Headway handle-mode tool until the handle arrives vs a plain registerTool tool; Headway native task vs the same tool on the SDK InMemoryTaskStore (until CreateTaskResult, and until tasks/result).',
      figures: { ...figures, rounds: ROUNDS, warmup: WARMUP },
      ratios: {
        'handle/plain p50': handleRatio,
        'headway/sdk native create p50': createRatio,
        'headway/sdk native create+tasks/result p50': roundTripRatio,
      },
      targets: [
        { name: 'handle-mode p50 vs plain tool', target: '<= 1.5', measured: handleRatio, met: handleRatio <= 1.5 },
        { name: 'native create p50 vs SDK InMemoryTaskStore', target: '<= 1.0 (not slower)', measured: createRatio, met: createRatio <= 1.0 },
        { name: 'native create+result p50 vs SDK InMemoryTaskStore', target: '<= 1.0 (not slower)', measured: roundTripRatio, met: roundTripRatio <= 1.0 },
      ],
    });
  } finally {
    await hw.close();
    await sdk.close();
    await http.close();
    for (const store of sdkStores) store.cleanup();
    await manager.shutdown({ mode: 'abort', timeoutMs: 1000 });
  }
}
