// What a worker of the example runs: the schema-registry tools, registered exactly as the servers
// register them (attachHeadway on an McpServer that never connects defines their task kinds).
// Use it with the CLI: `headway-worker --tasks examples/dist/distributed/tasks.js`.
// Its sinks: Prometheus metrics of the tasks that run here, on METRICS_PORT (default: any port).
import { createServer } from 'node:http';
import type { TaskManager } from '@headway/core';
import { attachHeadway } from '@headway/mcp';
import { prometheusReporter } from '@headway/prometheus';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SchemaRegistry } from '../schema-registry/registry.js';
import { registryTools } from '../schema-registry/tools.js';
import { registerExampleTools } from '../shared/example-tool.js';
import { fleetConfig } from './config.js';

const metrics = prometheusReporter();

/** This worker's sinks (the CLI and `runWorker` take them from here). */
export const reporters = [metrics];

export default function register(manager: TaskManager): void {
  const registry = new SchemaRegistry({ dir: fleetConfig.registryDir, latencyMs: fleetConfig.registryLatencyMs });
  registerExampleTools(attachHeadway(new McpServer({ name: 'schema-registry-worker', version: '0.1.0' }), { manager }), registryTools(registry));
  const serveMetrics = metrics.handler({ path: '/metrics' });
  const http = createServer((req, res) => void serveMetrics(req, res));
  http.listen(Number(process.env.METRICS_PORT ?? 0), '127.0.0.1', () => {
    console.log(`worker ${process.pid}: metrics on http://127.0.0.1:${(http.address() as { port: number }).port}/metrics`);
  });
  http.unref();
}
