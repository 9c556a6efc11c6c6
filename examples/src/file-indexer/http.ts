// The file indexer over Streamable HTTP: /mcp, the live dashboard at /tasks/, Prometheus at /metrics.
// Usage: node examples/dist/file-indexer/http.js [dataDir]
//   dataDir: else HEADWAY_DATA_DIR, else ~/.local/share/headway/file-indexer (per user)
//   PORT (3001; loopback only), SESSION_IDLE_MS (30 min), HASH_DELAY_MS (0), INLINE_BUDGET_MS (10000)
import { createDashboard } from '@headway/dashboard';
import { prometheusReporter } from '@headway/prometheus';
import { withBearerPrincipal } from '../shared/bearer-principal.js';
import { mcpSessions, registryRoutes } from '../shared/mcp-sessions.js';
import { listenOrExit } from '../shared/listen.js';
import { startOrExit } from '../shared/startup.js';
import { startIndexerApp } from './server.js';
import type { IndexerApp } from './server.js';
import { indexerHttpSettings } from './settings.js';

const settings = await startOrExit('file-indexer', async () => indexerHttpSettings());
const metrics = prometheusReporter({ kinds: ['file-index', 'duplicates'] });
const dashboard = createDashboard({ manager: () => app.manager, basePath: '/tasks', title: 'File indexer tasks' });
const app: IndexerApp = await startOrExit('file-indexer', () => startIndexerApp(settings, { reporters: [metrics, dashboard] }));
metrics.observe(app.manager);

const serveMcp = mcpSessions(app.newServer, { idleMs: settings.sessionIdleMs });
// `Authorization: Bearer <name>` names the caller (a stand-in for real authentication).
const http = listenOrExit('file-indexer', settings.port, settings.dataDir, registryRoutes({
  mcp: (req, res) => serveMcp(withBearerPrincipal(req), res),
  metrics: metrics.handler({ path: '/metrics' }),
  dashboard: (req, res) => dashboard.handle(req, res),
}));

const stop = async () => {
  http.close();
  await serveMcp.close();
  // Running indexes stop here and resume from their last checkpoint at the next start.
  await app.manager.shutdown({ mode: 'abort', timeoutMs: 5_000 });
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
