import { join } from 'node:path';
import type { Reporter, TaskManager } from '@headway/core';
import { attachHeadway } from '@headway/mcp';
import type { HeadwayMcp } from '@headway/mcp';
import { attachHeadway as attachHeadwayV2 } from '@headway/mcp/v2';
import type { HeadwayMcpV2, HeadwayV2Options } from '@headway/mcp/v2';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { McpServer as McpServerV2 } from '@modelcontextprotocol/server';
import { durableManager } from '../shared/durable-manager.js';
import { registerExampleTools, registerExampleToolsV2 } from '../shared/example-tool.js';
import { SchemaRegistry } from './registry.js';
import type { RegistrySettings } from './settings.js';
import { registryTools } from './tools.js';

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

export const REGISTRY_SERVER_INFO = { name: 'schema-registry-batch', version: '0.3.0' };

/** One SDK v1 McpServer (one per session over HTTP) with Headway and the registry tools (the distributed example's). */
export function createRegistryServer(manager: TaskManager, registry: SchemaRegistry, options: RegistryMcpOptions = {}): { server: McpServer; headway: HeadwayMcp } {
  const server = new McpServer(REGISTRY_SERVER_INFO);
  const headway = attachHeadway(server, {
    manager,
    anonymousListing: options.anonymousListing ?? false,
    ...(options.inlineBudgetMs !== undefined && { inlineBudgetMs: options.inlineBudgetMs }),
  });
  registerExampleTools(headway, registryTools(registry));
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
  /** Headway's options on SDK v2, but the era (the factory's) and the owner (the transport's). */
  headwayOptions: Omit<HeadwayV2Options, 'era' | 'transport'>;
  /** Registers the registry tools on one SDK v2 instance. */
  register(headway: HeadwayMcpV2): void;
}

/**
 * The example server up to the point where it serves, on SDK v2 (`@headway/mcp/v2`): the manager on
 * `settings.dataDir`, seeded contexts and the tools. The manager is not started: the caller defines
 * the tools' kinds first (`createHttpHandler` builds one instance at once; `defineKinds` for stdio)
 * and only then calls `manager.start()`, so tasks recovered after a restart run at once, without
 * waiting for a client to connect.
 */
export async function openRegistryApp(settings: RegistrySettings, options: { reporters?: Reporter[]; maxActivePerOwner?: number } = {}): Promise<RegistryApp> {
  const { manager, registry } = await createRegistryManager({
    dataDir: settings.dataDir,
    latencyMs: settings.latencyMs,
    ...(options.reporters && { reporters: options.reporters }),
    ...(options.maxActivePerOwner !== undefined && { maxActivePerOwner: options.maxActivePerOwner }),
  });
  await seedContexts(registry, settings.seedSubjects);
  const tools = registryTools(registry);
  return { manager, registry, headwayOptions: { manager, inlineBudgetMs: settings.inlineBudgetMs }, register: (headway) => registerExampleToolsV2(headway, tools) };
}

/** One SDK v2 instance of the server for `era` (a `serveStdio` or `createMcpHandler` factory's). */
export function registryServerV2(app: RegistryApp, era: 'legacy' | 'modern', transport: 'http' | 'stdio'): McpServerV2 {
  const server = new McpServerV2(REGISTRY_SERVER_INFO);
  app.register(attachHeadwayV2(server, { ...app.headwayOptions, era, transport }));
  return server;
}
