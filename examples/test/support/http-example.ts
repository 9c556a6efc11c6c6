// An example's HTTP server as a child process: it prints its URLs on one line (shared/listen.ts),
// which is how a test finds them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnChild } from './child-process.js';

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

/** Starts an example's built HTTP server (`script`) on a free port with its data in `dataDir`, else in a temporary directory. */
export async function startHttpServer(script: string, env: Record<string, string> = {}, dataDir?: string): Promise<HttpExample> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'headway-http-example-'));
  const child = spawnChild(process.execPath, [script, dir], { env: { ...process.env, PORT: '0', ...env } });
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

