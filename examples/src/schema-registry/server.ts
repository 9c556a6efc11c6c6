import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { TaskManager } from '@headway/core';
import type { Reporter } from '@headway/core';
import { FileEventLog, FileTaskStore } from '@headway/file-store';
import { attachHeadway } from '@headway/mcp';
import type { HeadwayMcp } from '@headway/mcp';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SchemaRegistry } from './registry.js';
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
  /** Allow task listing with no way to tell callers apart (fine for a stdio server's single client). */
  anonymousListing?: boolean;
}

/** The example's one TaskManager on the embedded durable defaults: a file store and a file event log. */
export async function createRegistryManager(options: RegistryServerOptions): Promise<{ manager: TaskManager; registry: SchemaRegistry }> {
  mkdirSync(options.dataDir, { recursive: true });
  const registry = new SchemaRegistry({ dir: join(options.dataDir, 'registry'), latencyMs: options.latencyMs ?? 20 });
  const manager = new TaskManager({
    store: new FileTaskStore(join(options.dataDir, 'tasks')),
    reporters: [await FileEventLog.open(join(options.dataDir, 'events')), ...(options.reporters ?? [])],
    maxActivePerOwner: options.maxActivePerOwner ?? 100,
    progress: { heartbeatMs: 5_000 },
  });
  return { manager, registry };
}

/** One McpServer (one per session over HTTP) with Headway and the registry tools. */
export function createRegistryServer(manager: TaskManager, registry: SchemaRegistry, options: Pick<RegistryServerOptions, 'anonymousListing'> = {}): { server: McpServer; headway: HeadwayMcp } {
  const server = new McpServer({ name: 'schema-registry-batch', version: '0.1.0' });
  const headway = attachHeadway(server, { manager, anonymousListing: options.anonymousListing ?? false });
  registerRegistryTools(headway, registry);
  return { server, headway };
}
