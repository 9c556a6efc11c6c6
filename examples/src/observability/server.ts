// Every sink composed on one server: the schema-registry and file-indexer tools over Streamable HTTP,
// their tasks reported to
//   - MCP clients (progress and log notifications, by @headway/mcp),
//   - the durable file log (FileEventLog, JSON Lines under <dataDir>/events; readTaskHistory reads it),
//   - Prometheus (/metrics; scrape it with prometheus.yml, chart it with ../../grafana/headway-dashboard.json),
//   - OpenTelemetry (one span per attempt, child spans per phase; exporter: see otel-sdk.ts),
//   - the live dashboard (/tasks/).
//
// Usage: node examples/dist/observability/server.js [dataDir]   (PORT 3002, loopback only)
import { join } from 'node:path';
import { createDashboard } from '@headway/dashboard';
import { attachHeadway } from '@headway/mcp';
import { otelReporter } from '@headway/otel';
import { prometheusReporter } from '@headway/prometheus';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { registerIndexerTools } from '../file-indexer/tools.js';
import { SchemaRegistry } from '../schema-registry/registry.js';
import { seedContexts } from '../schema-registry/server.js';
import { registerRegistryTools } from '../schema-registry/tools.js';
import { withBearerPrincipal } from '../shared/bearer-principal.js';
import { durableManager } from '../shared/durable-manager.js';
import { listenOrExit } from '../shared/listen.js';
import { mcpSessions, registryRoutes } from '../shared/mcp-sessions.js';
import { startOrExit } from '../shared/startup.js';
import { startOtelSdk } from './otel-sdk.js';
import { observabilitySettings } from './settings.js';

const settings = await startOrExit('observability', async () => observabilitySettings());
const otel = startOtelSdk('headway-observability-example');

// The kinds the tools create, at zero from the start, so rate() and increase() count the first tasks.
const metrics = prometheusReporter({ kinds: ['cleanup', 'statistics', 'export', 'file-index', 'duplicates'] });
const dashboard = createDashboard({ manager: () => manager, basePath: '/tasks', title: 'Headway: every sink' });
// durableManager adds the file log (FileEventLog) in front of these.
const manager = await startOrExit('observability', () =>
  durableManager({ dataDir: settings.dataDir, reporters: [metrics, otelReporter(), dashboard] }),
);
metrics.observe(manager);

const registry = new SchemaRegistry({ dir: join(settings.dataDir, 'registry'), latencyMs: settings.latencyMs });
await seedContexts(registry, settings.seedSubjects);
const indexer = { workDir: join(settings.dataDir, 'work'), indexDir: join(settings.dataDir, 'indexes'), hashDelayMs: settings.hashDelayMs };
const newServer = () => {
  const server = new McpServer({ name: 'headway-observability', version: '0.1.0' });
  const headway = attachHeadway(server, { manager, inlineBudgetMs: settings.inlineBudgetMs });
  registerRegistryTools(headway, registry);
  registerIndexerTools(headway, indexer);
  return server;
};
// Tools defined before the manager starts: recovered tasks run without waiting for a client.
newServer();
await manager.start();

const serveMcp = mcpSessions(newServer, { idleMs: settings.sessionIdleMs });
const http = listenOrExit('observability', settings.port, settings.dataDir, registryRoutes({
  mcp: (req, res) => serveMcp(withBearerPrincipal(req), res),
  metrics: metrics.handler({ path: '/metrics' }),
  dashboard: (req, res) => dashboard.handle(req, res),
}));
console.log(`OpenTelemetry: ${otel.description} · file log in ${join(settings.dataDir, 'events')}`);

const stop = async () => {
  http.close();
  await serveMcp.close();
  await manager.shutdown({ mode: 'drain', timeoutMs: 10_000 });
  // After the manager: its last spans are ended, then the SDK flushes them.
  await otel.sdk?.shutdown();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
