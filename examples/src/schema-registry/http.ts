// The schema-registry batch server over Streamable HTTP, with every sink composed next to the MCP
// notifications: the durable file store and event log, Prometheus metrics at /metrics, the live
// dashboard at /tasks/, and OpenTelemetry spans (printed to the console with OTEL_CONSOLE=1, or
// with OTEL_WORKER=1 by an SDK on a worker thread, set up in otel-setup.ts).
//
// Usage: node examples/dist/schema-registry/http.js [dataDir]
//   dataDir: else HEADWAY_DATA_DIR, else ~/.local/share/headway/schema-registry (per user)
//   PORT (3000; loopback only), SESSION_IDLE_MS (30 min), REGISTRY_SEED_SUBJECTS (200),
//   REGISTRY_LATENCY_MS (100), INLINE_BUDGET_MS (10000)
import { createDashboard } from '@headway/dashboard';
import { otelReporter, otelWorkerReporter } from '@headway/otel';
import { prometheusReporter } from '@headway/prometheus';
import { NodeSDK, tracing } from '@opentelemetry/sdk-node';
import { withBearerPrincipal } from '../shared/bearer-principal.js';
import { mcpSessions, registryRoutes } from '../shared/mcp-sessions.js';
import { listenOrExit } from '../shared/listen.js';
import { startOrExit } from '../shared/startup.js';
import { startRegistryApp } from './server.js';
import type { RegistryApp } from './server.js';
import { registryHttpSettings } from './settings.js';

const settings = await startOrExit('schema-registry', async () => registryHttpSettings());

// Bring your own OpenTelemetry SDK: Headway's sink only uses @opentelemetry/api.
const otelSdk = process.env.OTEL_CONSOLE === '1' ? new NodeSDK({ serviceName: 'schema-registry-mcp', traceExporter: new tracing.ConsoleSpanExporter() }) : undefined;
otelSdk?.start();

// OTEL_WORKER=1: the SDK (from otel-setup.ts) builds and exports spans on a worker thread.
const otel = process.env.OTEL_WORKER === '1' ? otelWorkerReporter({ setup: new URL('./otel-setup.js', import.meta.url) }) : otelReporter();

// The kinds its tools create, exposed at zero from the start so rate() and increase() count their first tasks.
const metrics = prometheusReporter({ kinds: ['cleanup', 'statistics', 'export'] });
const dashboard = createDashboard({ manager: () => app.manager, basePath: '/tasks', title: 'Schema registry tasks' });
// The tools are defined before the manager starts: tasks recovered from the data directory run at
// once, whether or not a client ever connects.
const app: RegistryApp = await startOrExit('schema-registry', () => startRegistryApp(settings, { reporters: [metrics, otel, dashboard] }));
const { manager } = app;
metrics.observe(manager);

// One McpServer per MCP session, closed when idle; the TaskManager is shared by all of them.
const serveMcp = mcpSessions(app.newServer, { idleMs: settings.sessionIdleMs });
const serveMetrics = metrics.handler({ path: '/metrics' });

// `Authorization: Bearer <name>` names the caller (a stand-in for real authentication): tasks are
// then that caller's in every session; without it, they belong to the MCP session.
const http = listenOrExit('schema-registry', settings.port, settings.dataDir, registryRoutes({
  mcp: (req, res) => serveMcp(withBearerPrincipal(req), res),
  metrics: serveMetrics,
  dashboard: (req, res) => dashboard.handle(req, res),
}));

const stop = async () => {
  http.close();
  await serveMcp.close();
  await manager.shutdown({ mode: 'drain', timeoutMs: 10_000 });
  await otelSdk?.shutdown();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
