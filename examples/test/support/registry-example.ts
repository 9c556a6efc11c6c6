// The schema-registry HTTP example (examples/dist/schema-registry/http.js) as a child process, and
// a few real tool calls against it. Tests that only need its URLs use `startHttpExample`; what the
// example prints and which tools it has is known here only.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { spawnChild } from './child-process.js';

const SCRIPT = fileURLToPath(new URL('../../dist/schema-registry/http.js', import.meta.url));

export interface HttpExample {
  readonly base: string;
  readonly mcpUrl: string;
  readonly metricsUrl: string;
  readonly dashboardUrl: string;
  readonly dataDir: string;
  output(): string;
  /** SIGTERM (drains), and removes the data directory unless it was given. */
  stop(): Promise<void>;
  /** SIGKILL, as a crash; the data directory stays. */
  kill(): Promise<void>;
}

/** Starts the example on a free port with its data in `dataDir`, else in a temporary directory. */
export async function startHttpExample(env: Record<string, string> = {}, dataDir?: string): Promise<HttpExample> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'headway-http-example-'));
  const child = spawnChild(process.execPath, [SCRIPT, dir], { env: { ...process.env, PORT: '0', ...env } });
  const stop = async () => {
    await child.stop(15_000);
    if (dataDir === undefined) rmSync(dir, { recursive: true, force: true });
  };
  try {
    const urls = await new Promise<Record<'mcp' | 'tasks' | 'metrics', string>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the example did not print its URLs within 30 s:\n${child.output()}`)), 30_000);
      child.process.stdout!.on('data', () => {
        const output = child.output();
        const mcp = /MCP on (http:\/\/\S+)/.exec(output)?.[1];
        const tasks = /tasks on (http:\/\/\S+)/.exec(output)?.[1];
        const metrics = /metrics on (http:\/\/\S+)/.exec(output)?.[1];
        if (mcp && tasks && metrics) {
          clearTimeout(timer);
          resolve({ mcp, tasks, metrics });
        }
      });
      void child.exited.then(() => reject(new Error(`the example exited with ${child.process.exitCode ?? child.process.signalCode}:\n${child.output()}`)));
    });
    return {
      base: new URL(urls.mcp).origin,
      mcpUrl: urls.mcp,
      metricsUrl: urls.metrics,
      dashboardUrl: urls.tasks,
      dataDir: dir,
      output: () => child.output(),
      stop,
      kill: async () => {
        child.process.kill('SIGKILL');
        await child.exited;
      },
    };
  } catch (error) {
    await stop();
    throw error;
  }
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
