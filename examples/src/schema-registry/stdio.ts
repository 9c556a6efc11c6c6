// The schema-registry batch server over stdio on SDK v2 (`@headway/mcp/v2`): both protocol
// generations (serveStdio pins one per connection), on the embedded durable defaults. Tasks belong
// to the one local owner, the same after a restart.
// Usage: node examples/dist/schema-registry/stdio.js [dataDir]
//   dataDir: else HEADWAY_DATA_DIR, else ~/.local/share/headway/schema-registry (per user; see ../shared/data-dir.ts)
//   REGISTRY_SEED_SUBJECTS (200), REGISTRY_LATENCY_MS (100), INLINE_BUDGET_MS (10000)
import { startOrExit } from '../shared/startup.js';
import { serveStdioV2 } from '../shared/stdio.js';
import { openRegistryApp, registryServerV2 } from './server.js';
import { registrySettings } from './settings.js';

const app = await startOrExit('schema-registry', () => openRegistryApp(registrySettings()));
await serveStdioV2(app.manager, (era) => registryServerV2(app, era, 'stdio'));
