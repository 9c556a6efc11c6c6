// A server replica of the example: the schema-registry MCP server over Streamable HTTP whose tasks
// run on the workers. Any replica serves any task: clients may come back to another one.
// `Authorization: Bearer <name>` names the caller (a stand-in for your real auth), so one user's
// tasks are theirs on every replica; without it, tasks belong to the MCP session.
// Usage: PORT=3001 node examples/dist/distributed/server.js   (/mcp, /tasks/ dashboard, /metrics)
import { createServer } from 'node:http';
import { TaskManager } from '@headway/core';
import type { Reporter } from '@headway/core';
import { bullmq } from '@headway/bullmq';
import { createDashboard } from '@headway/dashboard';
import { prometheusReporter } from '@headway/prometheus';
import { SchemaRegistry } from '../schema-registry/registry.js';
import { withBearerPrincipal } from '../shared/bearer-principal.js';
import { mcpSessions, registryRoutes } from '../shared/mcp-sessions.js';
import { createRegistryServer } from '../schema-registry/server.js';
import { fleetConfig } from './config.js';

const port = Number(process.env.PORT ?? 3001);
const metrics = prometheusReporter();
const dashboard = createDashboard({ manager: () => manager, basePath: '/tasks', title: `Schema registry tasks (replica :${port})` });
// The dashboard shows the whole fleet: `remote: true` asks for the events made on the workers too.
// (Metrics count only what happens here: summed over the fleet's /metrics, each task counts once.)
const fleetDashboard: Reporter = {
  name: 'dashboard',
  remote: true,
  onEvent: (event) => dashboard.onEvent(event),
  flush: () => dashboard.flush?.(),
  close: () => dashboard.close?.(),
};
const manager = new TaskManager({
  ...bullmq({ connection: fleetConfig.redisUrl, prefix: fleetConfig.prefix, stalledJobBoundMs: fleetConfig.stalledJobBoundMs }),
  reporters: [metrics, fleetDashboard],
  maxActivePerOwner: 100,
});
await manager.start();
// The tools' functions never run here; the registry is only what their definitions close over.
const registry = new SchemaRegistry({ dir: fleetConfig.registryDir, latencyMs: fleetConfig.registryLatencyMs });
const serveMcp = mcpSessions(() => createRegistryServer(manager, registry).server);
const serveMetrics = metrics.handler({ path: '/metrics' });

const http = createServer(
  registryRoutes({
    // `Authorization: Bearer <name>` stands in for real authentication here.
    mcp: (req, res) => serveMcp(withBearerPrincipal(req), res),
    metrics: serveMetrics,
    dashboard: (req, res) => dashboard.handle(req, res),
  }),
);

http.listen(port, '127.0.0.1', () => {
  const base = `http://127.0.0.1:${(http.address() as { port: number }).port}`;
  console.log(`replica ${process.pid}: MCP on ${base}/mcp · tasks on ${base}/tasks/ · metrics on ${base}/metrics`);
});

const stop = async () => {
  http.close();
  await manager.shutdown({ mode: 'drain', timeoutMs: 10_000 });
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
