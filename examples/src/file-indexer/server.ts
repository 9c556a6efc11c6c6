import { join } from 'node:path';
import type { Reporter, TaskManager } from '@headway/core';
import { attachHeadway } from '@headway/mcp/v2';
import type { HeadwayMcpV2, HeadwayV2Options } from '@headway/mcp/v2';
import { McpServer } from '@modelcontextprotocol/server';
import { durableManager } from '../shared/durable-manager.js';
import { registerExampleToolsV2 } from '../shared/example-tool.js';
import type { IndexerSettings } from './settings.js';
import { indexerTools } from './tools.js';

export const INDEXER_SERVER_INFO = { name: 'file-indexer', version: '0.2.0' };

export interface IndexerApp {
  manager: TaskManager;
  /** Headway's options on SDK v2, but the era (the factory's) and the owner (the transport's). */
  headwayOptions: Omit<HeadwayV2Options, 'era' | 'transport'>;
  /** Registers the indexer's tools on one SDK v2 instance. */
  register(headway: HeadwayMcpV2): void;
}

/**
 * The file indexer up to the point where it serves, on SDK v2 (`@headway/mcp/v2`): the manager on
 * `settings.dataDir` and the tools. The manager is not started: the caller defines the tools' kinds
 * first (`createHttpHandler` builds one instance at once; `serveStdioV2` too) and only then starts
 * it, so an interrupted index resumes at once after a restart, whether or not a client connects.
 */
export async function openIndexerApp(settings: IndexerSettings, options: { reporters?: Reporter[] } = {}): Promise<IndexerApp> {
  const manager = await durableManager({ dataDir: settings.dataDir, ...(options.reporters && { reporters: options.reporters }) });
  const tools = indexerTools({ workDir: join(settings.dataDir, 'work'), indexDir: join(settings.dataDir, 'indexes'), hashDelayMs: settings.hashDelayMs });
  return { manager, headwayOptions: { manager, inlineBudgetMs: settings.inlineBudgetMs }, register: (headway) => registerExampleToolsV2(headway, tools) };
}

/** One SDK v2 instance of the server for `era`. */
export function indexerServer(app: IndexerApp, era: 'legacy' | 'modern', transport: 'http' | 'stdio'): McpServer {
  const server = new McpServer(INDEXER_SERVER_INFO);
  app.register(attachHeadway(server, { ...app.headwayOptions, era, transport }));
  return server;
}
