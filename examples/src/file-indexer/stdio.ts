// The file indexer over stdio.
// Usage: node examples/dist/file-indexer/stdio.js [dataDir]
//   dataDir: else HEADWAY_DATA_DIR, else ~/.local/share/headway/file-indexer (per user)
//   HASH_DELAY_MS (0), INLINE_BUDGET_MS (10000)
import { startOrExit } from '../shared/startup.js';
import { serveStdio } from '../shared/stdio.js';
import { startIndexerApp } from './server.js';
import { indexerSettings } from './settings.js';

// One client per stdio server: listing its tasks is safe.
const { manager, first } = await startOrExit('file-indexer', () => startIndexerApp(indexerSettings(), { anonymousListing: true }));
await serveStdio(first, manager);
