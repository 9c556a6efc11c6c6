// The file indexer over stdio on SDK v2 (`@headway/mcp/v2`): both protocol generations; tasks
// belong to the one local owner, the same after a restart.
// Usage: node examples/dist/file-indexer/stdio.js [dataDir]
//   dataDir: else HEADWAY_DATA_DIR, else ~/.local/share/headway/file-indexer (per user)
//   HASH_DELAY_MS (0), INLINE_BUDGET_MS (10000)
import { startOrExit } from '../shared/startup.js';
import { serveStdioV2 } from '../shared/stdio.js';
import { indexerServer, openIndexerApp } from './server.js';
import { indexerSettings } from './settings.js';

const app = await startOrExit('file-indexer', () => openIndexerApp(indexerSettings()));
await serveStdioV2(app.manager, (era) => indexerServer(app, era, 'stdio'));
