// The schema-registry batch server over stdio, on the embedded durable defaults.
// Usage: node examples/dist/schema-registry/stdio.js [dataDir]
//   dataDir: else HEADWAY_DATA_DIR, else ~/.local/share/headway/schema-registry (per user; see ../shared/data-dir.ts)
//   REGISTRY_SEED_SUBJECTS (200), REGISTRY_LATENCY_MS (100), INLINE_BUDGET_MS (10000)
import { startOrExit } from '../shared/startup.js';
import { serveStdio } from '../shared/stdio.js';
import { startRegistryApp } from './server.js';
import { registrySettings } from './settings.js';

// One client per stdio server: listing its tasks is safe.
const { manager, first } = await startOrExit('schema-registry', () => startRegistryApp(registrySettings(), { anonymousListing: true }));
await serveStdio(first, manager);
