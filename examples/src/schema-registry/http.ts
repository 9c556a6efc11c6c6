// The schema-registry batch server over Streamable HTTP, with every sink composed next to the MCP
// notifications: the durable file store and event log, Prometheus metrics at /metrics, the live
// dashboard at /tasks/, and OpenTelemetry spans (printed to the console with OTEL_CONSOLE=1, or
// with OTEL_WORKER=1 by an SDK on a worker thread, set up in otel-setup.ts).
//
// Usage: node examples/dist/schema-registry/http.js [dataDir]   (PORT, default 3000; loopback only)
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { resolve } from 'node:path';
import { createDashboard } from '@headway/dashboard';
import { otelReporter, otelWorkerReporter } from '@headway/otel';
import { prometheusReporter } from '@headway/prometheus';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { NodeSDK, tracing } from '@opentelemetry/sdk-node';
import { createRegistryManager, createRegistryServer } from './server.js';

const dataDir = resolve(process.argv[2] ?? process.env.HEADWAY_DATA_DIR ?? '.headway-data');
const port = Number(process.env.PORT ?? 3000);

// Bring your own OpenTelemetry SDK: Headway's sink only uses @opentelemetry/api.
const otelSdk = process.env.OTEL_CONSOLE === '1' ? new NodeSDK({ serviceName: 'schema-registry-mcp', traceExporter: new tracing.ConsoleSpanExporter() }) : undefined;
otelSdk?.start();

// OTEL_WORKER=1: the SDK (from otel-setup.ts) builds and exports spans on a worker thread.
const otel = process.env.OTEL_WORKER === '1' ? otelWorkerReporter({ setup: new URL('./otel-setup.js', import.meta.url) }) : otelReporter();

// The kinds its tools create, exposed at zero from the start so rate() and increase() count their first tasks.
const metrics = prometheusReporter({ kinds: ['cleanup', 'statistics'] });
const dashboard = createDashboard({ manager: () => manager, basePath: '/tasks', title: 'Schema registry tasks' });
const { manager, registry } = await createRegistryManager({
  dataDir,
  latencyMs: Number(process.env.REGISTRY_LATENCY_MS ?? 20),
  reporters: [metrics, otel, dashboard],
});
metrics.observe(manager);
const seed = Number(process.env.REGISTRY_SEED_SUBJECTS ?? 0);
if (seed > 0) for (const context of ['dev', 'staging']) if ((await registry.subjects(context)).length === 0) await registry.seed(context, seed);
await manager.start();

// One McpServer per MCP session; the TaskManager is shared by all of them.
const sessions = new Map<string, StreamableHTTPServerTransport>();
const serveMetrics = metrics.handler({ path: '/metrics' });

const http = createServer((req, res) => {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  if (path === '/metrics') return void serveMetrics(req, res);
  if (path === '/tasks' || path.startsWith('/tasks/')) return void dashboard.handle(req, res);
  if (path !== '/mcp') {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found: try /mcp, /tasks/ or /metrics\n');
    return;
  }
  void (async () => {
    const sessionId = req.headers['mcp-session-id'];
    let transport = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
    if (!transport) {
      if (sessionId !== undefined) {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null }));
        return;
      }
      const created = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => void sessions.set(id, created),
      });
      created.onclose = () => {
        if (created.sessionId) sessions.delete(created.sessionId);
      };
      await createRegistryServer(manager, registry).server.connect(created);
      transport = created;
    }
    await transport.handleRequest(req, res);
  })().catch((error: unknown) => {
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
    res.end(`Internal error: ${(error as Error).message}\n`);
  });
});

http.listen(port, '127.0.0.1', () => {
  const base = `http://127.0.0.1:${(http.address() as { port: number }).port}`;
  console.log(`MCP on ${base}/mcp · tasks on ${base}/tasks/ · metrics on ${base}/metrics`);
});

const stop = async () => {
  http.close();
  await manager.shutdown({ mode: 'drain', timeoutMs: 10_000 });
  await otelSdk?.shutdown();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
