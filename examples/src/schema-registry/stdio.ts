// The schema-registry batch server over stdio, on the embedded durable defaults.
// Usage: node examples/dist/schema-registry/stdio.js [dataDir]
//   dataDir: else HEADWAY_DATA_DIR, else ~/.local/share/headway/schema-registry (per user; see ../shared/data-dir.ts)
//   REGISTRY_SEED_SUBJECTS (200), REGISTRY_LATENCY_MS (100), INLINE_BUDGET_MS (10000)
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { startOrExit } from '../shared/startup.js';
import { startRegistryApp } from './server.js';
import { registrySettings } from './settings.js';

const { manager, first } = await startOrExit('schema-registry', async () => {
  const settings = registrySettings();
  // One client per stdio server: listing its tasks is safe.
  return startRegistryApp(settings, { anonymousListing: true });
});
await first.connect(new StdioServerTransport());

const stop = async () => {
  await manager.shutdown({ mode: 'abort', timeoutMs: 2_000 });
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
process.stdin.on('close', stop);
