// The schema-registry HTTP example (examples/dist/schema-registry/http.js) as a child process, and
// a few real tool calls against it. Tests that only need its URLs use `startHttpExample`; what the
// example prints and which tools it has is known here only.
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { startHttpServer } from './http-example.js';
import type { HttpExample } from './http-example.js';

export type { HttpExample } from './http-example.js';

const SCRIPT = fileURLToPath(new URL('../../dist/schema-registry/http.js', import.meta.url));

/** Starts the schema-registry example on a free port with its data in `dataDir`, else in a temporary directory. */
export function startHttpExample(env: Record<string, string> = {}, dataDir?: string): Promise<HttpExample> {
  return startHttpServer(SCRIPT, env, dataDir);
}

/** Environment for a run with something to do: seeded contexts and a registry round trip per operation. */
export const BUSY_EXAMPLE_ENV = { REGISTRY_SEED_SUBJECTS: '30', REGISTRY_LATENCY_MS: '60' } as const;

/**
 * Real work through an MCP client: a count of one context and a clear of another that take a few
 * seconds, one that fails (an invalid context name), then a dry-run clear. Resolves with how many
 * tasks ended, by outcome.
 */
export async function runRegistryWorkload(mcpUrl: string): Promise<{ completed: number; failed: number }> {
  const client = new Client({ name: 'headway-example-workload', version: '0.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(mcpUrl)));
  try {
    const call = async (name: string, args: Record<string, unknown>) =>
      (await client.callTool({ name, arguments: args }, undefined, { timeout: 120_000 })) as CallToolResult;
    const [count, clear, bad] = await Promise.all([
      call('count_schemas', { context: 'staging' }),
      call('clear_context_batch', { context: 'dev', dry_run: false }),
      call('clear_context_batch', { context: 'not a context!', dry_run: false }),
    ]);
    const dry = await call('clear_context_batch', { context: 'staging', dry_run: true });
    const outcomes = [count, clear, bad, dry].map((r) => (r.isError ? 'failed' : 'completed'));
    return { completed: outcomes.filter((o) => o === 'completed').length, failed: outcomes.filter((o) => o === 'failed').length };
  } finally {
    await client.close();
  }
}
