#!/usr/bin/env node
// headway-worker: runs the task kinds a module defines, on BullMQ jobs from Redis.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { runWorker } from './worker.js';
import type { WorkerModule } from './worker.js';

const USAGE = `Usage: headway-worker --tasks <module> [options]

Runs the task kinds that <module> defines, taking their jobs from BullMQ on Redis.
<module> exports (default or named \`register\`) a function (manager) => void that calls
manager.define(kind, fn) (or registers MCP tools through attachHeadway), and may export
\`reporters\`: the worker's own sinks.

Options:
  --tasks <module>          the module (required)
  --redis <url>             redis:// or rediss:// URL (default $REDIS_URL or redis://127.0.0.1:6379)
  --prefix <prefix>         the fleet's key prefix (default $HEADWAY_PREFIX or headway)
  --concurrency <n>         tasks of one kind at once in this process (default 16)
  --stalled-bound-ms <ms>   how soon a dead worker's task goes to another worker (default 30000; same on every process)
  --shutdown-timeout-ms <ms>  how long SIGTERM lets running tasks finish (default 30000)
  --help`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      tasks: { type: 'string' },
      redis: { type: 'string' },
      prefix: { type: 'string' },
      concurrency: { type: 'string' },
      'stalled-bound-ms': { type: 'string' },
      'shutdown-timeout-ms': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (!values.tasks) throw new UsageError('--tasks <module> is required');
  const loaded = (await import(pathToFileURL(resolve(values.tasks)).href)) as Record<string, unknown>;
  const tasks = moduleOf(loaded, values.tasks);
  const connection = values.redis ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = values.prefix ?? process.env.HEADWAY_PREFIX ?? 'headway';
  await runWorker({
    tasks,
    connection,
    prefix,
    ...(values.concurrency !== undefined && { concurrency: number('--concurrency', values.concurrency) }),
    ...(values['stalled-bound-ms'] !== undefined && { stalledJobBoundMs: number('--stalled-bound-ms', values['stalled-bound-ms']) }),
    ...(values['shutdown-timeout-ms'] !== undefined && { shutdownTimeoutMs: number('--shutdown-timeout-ms', values['shutdown-timeout-ms']) }),
  });
  const where = connection.replace(/\/\/[^@/]*@/, '//');
  console.log(`headway worker ${process.pid} ready (Redis ${where}, prefix ${prefix})`);
}

function moduleOf(loaded: Record<string, unknown>, path: string): WorkerModule {
  const main = loaded.default ?? loaded.register;
  const reporters = loaded.reporters ?? (main as { reporters?: unknown } | undefined)?.reporters;
  if (typeof main === 'function') {
    return Array.isArray(reporters) ? { register: main as (m: never) => void, reporters } : (main as WorkerModule);
  }
  if (typeof main === 'object' && main !== null && typeof (main as { register?: unknown }).register === 'function') return main as WorkerModule;
  throw new UsageError(`${path} exports no task registration: export default (manager) => { manager.define(...) }, or { register, reporters }`);
}

function number(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) throw new UsageError(`${name} takes a whole number of 1 or more, not ${JSON.stringify(text)}`);
  return value;
}

class UsageError extends Error {}

main().catch((error: unknown) => {
  if (error instanceof UsageError) console.error(`headway-worker: ${error.message}\n\n${USAGE}`);
  else console.error(`headway-worker: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(error instanceof UsageError ? 2 : 1);
});
