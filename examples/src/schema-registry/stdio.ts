// The schema-registry batch server over stdio, on the embedded durable defaults.
// Usage: node examples/dist/schema-registry/stdio.js [dataDir]   (default ./.headway-data)
import { resolve } from 'node:path';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createRegistryManager, createRegistryServer } from './server.js';

const dataDir = resolve(process.argv[2] ?? process.env.HEADWAY_DATA_DIR ?? '.headway-data');
const latencyMs = Number(process.env.REGISTRY_LATENCY_MS ?? 20);
const seedSubjects = Number(process.env.REGISTRY_SEED_SUBJECTS ?? 0);

const { manager, registry } = await createRegistryManager({ dataDir, latencyMs });
if (seedSubjects > 0) {
  for (const context of ['dev', 'staging']) if ((await registry.subjects(context)).length === 0) await registry.seed(context, seedSubjects);
}
const { server } = createRegistryServer(manager, registry, { anonymousListing: true });
await manager.start();
await server.connect(new StdioServerTransport());

const stop = async () => {
  await manager.shutdown({ mode: 'abort', timeoutMs: 2_000 });
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
process.stdin.on('close', stop);
