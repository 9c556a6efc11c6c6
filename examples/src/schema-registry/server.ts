import { join } from 'node:path';
import type { Reporter, TaskManager } from '@headway/core';
import { attachHeadway } from '@headway/mcp';
import type { HeadwayMcp } from '@headway/mcp';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { durableManager } from '../shared/durable-manager.js';
import { SchemaRegistry } from './registry.js';
import type { RegistrySettings } from './settings.js';
import { registerRegistryTools } from './tools.js';

export interface RegistryServerOptions {
  /** Where the registry, the task store and the event log live. */
  dataDir: string;
  /** Latency of each registry operation (a remote registry's round trip). */
  latencyMs?: number;
  /** Extra sinks (dashboard, OpenTelemetry, Prometheus). */
  reporters?: Reporter[];
  /** For servers with several clients (HTTP): tasks per owner. */
  maxActivePerOwner?: number;
}

export interface RegistryMcpOptions {
  /** Allow task listing with no way to tell callers apart (fine for a stdio server's single client). */
  anonymousListing?: boolean;
  /** How long an `auto` call stays inline. Default: Headway's (45 s). */
  inlineBudgetMs?: number;
}

/** The example's one TaskManager on the embedded durable defaults: a file store and a file event log. */
export async function createRegistryManager(options: RegistryServerOptions): Promise<{ manager: TaskManager; registry: SchemaRegistry }> {
  const registry = new SchemaRegistry({ dir: join(options.dataDir, 'registry'), latencyMs: options.latencyMs ?? 20 });
  return { manager: await durableManager(options), registry };
}

/** One McpServer (one per session over HTTP) with Headway and the registry tools. */
export function createRegistryServer(manager: TaskManager, registry: SchemaRegistry, options: RegistryMcpOptions = {}): { server: McpServer; headway: HeadwayMcp } {
  const server = new McpServer({ name: 'schema-registry-batch', version: '0.2.0' });
  const headway = attachHeadway(server, {
    manager,
    anonymousListing: options.anonymousListing ?? false,
    ...(options.inlineBudgetMs !== undefined && { inlineBudgetMs: options.inlineBudgetMs }),
  });
  registerRegistryTools(headway, registry);
  return { server, headway };
}

/** Seeds `subjects` subjects into `dev` and `staging`, each only when it is empty. */
export async function seedContexts(registry: SchemaRegistry, subjects: number): Promise<void> {
  if (subjects <= 0) return;
  for (const context of ['dev', 'staging']) if ((await registry.subjects(context)).length === 0) await registry.seed(context, subjects);
}

export interface RegistryApp {
  manager: TaskManager;
  registry: SchemaRegistry;
  /** A new McpServer with the tools (the first one was built before the manager started). */
  newServer(): McpServer;
}

/**
 * The example server up to the point where it serves: the manager on `settings.dataDir`, seeded
 * contexts, the tools registered (so their kinds are defined) and only then `manager.start()`, so
 * tasks recovered after a restart run at once, without waiting for a client to connect.
 */
export async function startRegistryApp(settings: RegistrySettings, options: RegistryMcpOptions & { reporters?: Reporter[]; maxActivePerOwner?: number } = {}): Promise<RegistryApp & { first: McpServer }> {
  const { manager, registry } = await createRegistryManager({
    dataDir: settings.dataDir,
    latencyMs: settings.latencyMs,
    ...(options.reporters && { reporters: options.reporters }),
    ...(options.maxActivePerOwner !== undefined && { maxActivePerOwner: options.maxActivePerOwner }),
  });
  await seedContexts(registry, settings.seedSubjects);
  const mcpOptions: RegistryMcpOptions = { inlineBudgetMs: settings.inlineBudgetMs, ...(options.anonymousListing !== undefined && { anonymousListing: options.anonymousListing }) };
  const newServer = () => createRegistryServer(manager, registry, mcpOptions).server;
  const first = newServer();
  await manager.start();
  return { manager, registry, newServer, first };
}
