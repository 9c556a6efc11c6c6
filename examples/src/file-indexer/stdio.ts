// The file indexer over stdio.
// Usage: node examples/dist/file-indexer/stdio.js [dataDir]
//   dataDir: else HEADWAY_DATA_DIR, else ~/.local/share/headway/file-indexer (per user)
//   HASH_DELAY_MS (0), INLINE_BUDGET_MS (10000)
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { startOrExit } from '../shared/startup.js';
import { startIndexerApp } from './server.js';
import { indexerSettings } from './settings.js';

// One client per stdio server: listing its tasks is safe.
const { manager, first } = await startOrExit('file-indexer', () => startIndexerApp(indexerSettings(), { anonymousListing: true }));
await first.connect(new StdioServerTransport());

const stop = async () => {
  // Running indexes stop here and resume from their last checkpoint at the next start.
  await manager.shutdown({ mode: 'abort', timeoutMs: 2_000 });
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
process.stdin.on('close', stop);
