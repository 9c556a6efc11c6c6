// The schema-registry batch server over Streamable HTTP, with every sink composed next to the MCP
// notifications: the durable file store and event log, Prometheus metrics at /metrics, the live
// dashboard at /tasks/, and OpenTelemetry spans (printed to the console with OTEL_CONSOLE=1, or
// with OTEL_WORKER=1 by an SDK on a worker thread, set up in otel-setup.ts).
//
// Usage: node examples/dist/schema-registry/http.js [dataDir]   (PORT, default 3000; loopback only)
import { createServer } from 'node:http';
import { resolve } from 'node:path';
import { createDashboard } from '@headway/dashboard';
import { otelReporter, otelWorkerReporter } from '@headway/otel';
import { prometheusReporter } from '@headway/prometheus';
import { NodeSDK, tracing } from '@opentelemetry/sdk-node';
import { mcpSessions, registryRoutes } from './mcp-sessions.js';
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
const serveMcp = mcpSessions(() => createRegistryServer(manager, registry).server);
const serveMetrics = metrics.handler({ path: '/metrics' });

const http = createServer(registryRoutes({ mcp: serveMcp, metrics: serveMetrics, dashboard: (req, res) => dashboard.handle(req, res) }));

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
