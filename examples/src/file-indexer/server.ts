import { join } from 'node:path';
import type { Reporter, TaskManager } from '@headway/core';
import { attachHeadway } from '@headway/mcp';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { durableManager } from '../shared/durable-manager.js';
import type { IndexerSettings } from './settings.js';
import { registerIndexerTools } from './tools.js';

export interface IndexerApp {
  manager: TaskManager;
  /** A new McpServer with the tools (one per HTTP session). */
  newServer(): McpServer;
  /** The one built before the manager started (stdio serves through it). */
  first: McpServer;
}

/**
 * The file indexer up to the point where it serves: the manager on `settings.dataDir`, the tools
 * registered (their kinds defined) and only then `manager.start()`, so an interrupted index resumes
 * at once after a restart, whether or not a client connects.
 */
export async function startIndexerApp(settings: IndexerSettings, options: { reporters?: Reporter[]; anonymousListing?: boolean } = {}): Promise<IndexerApp> {
  const manager = await durableManager({ dataDir: settings.dataDir, ...(options.reporters && { reporters: options.reporters }) });
  const indexer = { workDir: join(settings.dataDir, 'work'), indexDir: join(settings.dataDir, 'indexes'), hashDelayMs: settings.hashDelayMs };
  const newServer = () => {
    const server = new McpServer({ name: 'file-indexer', version: '0.1.0' });
    const headway = attachHeadway(server, { manager, inlineBudgetMs: settings.inlineBudgetMs, anonymousListing: options.anonymousListing ?? false });
    registerIndexerTools(headway, indexer);
    return server;
  };
  const first = newServer();
  await manager.start();
  return { manager, newServer, first };
}
