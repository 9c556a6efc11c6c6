// bullmq-throughput, Headway half: the same trivial jobs through Headway on BullMQ (a server
// TaskManager that creates, worker TaskManagers that run), with the raw half's settings: one kind
// (one queue), worker concurrency 32, 1,000 creates in flight, jobs removed on completion.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { TaskManager } from '@headway/core';
import type { Reporter, TaskContext } from '@headway/core';
import { bullmq, createWorker } from '@headway/bullmq';
import { percentile } from './harness.js';
import type { LatencyFigures } from './redis-latency.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const WORKER_SCRIPT = fileURLToPath(new URL('./bullmq-bench-worker.js', import.meta.url));

/** Creates `count` tasks of `kind`, `inFlight` at a time. */
async function createAll(server: TaskManager, kind: string, count: number, inFlight: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < count) {
        const n = next++;
        await server.create({ kind, input: n });
      }
    }),
  );
}

/** Deletes every key of a prefix. */
export async function removePrefixKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `{${prefix}}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** One run with the worker in this process: from the first create to the last completion, in ms. */
export async function headwayInProcessRun(jobs: number, concurrency: number, inFlight: number, managerOptions: { resources?: { enabled: boolean } } = {}): Promise<number> {
  const prefix = `hwbench-${randomBytes(4).toString('hex')}`;
  let completed = 0;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const counter: Reporter = {
    name: 'completions',
    eventTypes: ['completed'],
    onEvent: () => {
      if (++completed === jobs) done();
    },
  };
  const worker = await createWorker({ connection: REDIS_URL, prefix, concurrency, tasks: (m) => m.define('trivial', (n: number) => n * 2), reporters: [counter], manager: managerOptions });
  const server = new TaskManager({ ...bullmq({ connection: REDIS_URL, prefix }), maxActivePerOwner: 1_000_000 });
  try {
    await server.start();
    const start = performance.now();
    await createAll(server, 'trivial', jobs, inFlight);
    await finished;
    return performance.now() - start;
  } finally {
    await server.shutdown({ mode: 'abort', timeoutMs: 5_000 });
    await worker.shutdown({ mode: 'abort', timeoutMs: 5_000 });
    await removePrefixKeys(prefix);
  }
}

interface WorkerChild {
  child: ChildProcess;
  ready: Promise<void>;
}

/** A worker process (bullmq-bench-worker.js) on `prefix`. */
function spawnWorker(prefix: string, concurrency: number): WorkerChild {
  const child = spawn(process.execPath, [WORKER_SCRIPT, prefix, String(concurrency)], { env: { ...process.env, REDIS_URL }, stdio: ['ignore', 'pipe', 'inherit'] });
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`bench worker exited with ${code}`)));
  });
  return { child, ready };
}

async function stopWorkers(workers: readonly WorkerChild[]): Promise<void> {
  await Promise.all(
    workers.map(({ child }) => {
      if (child.exitCode !== null) return undefined;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      return exited;
    }),
  );
}

/** One run with `processes` worker processes: from the first create until Redis holds `jobs` completed records, in ms. */
export async function headwayProcessesRun(processes: number, jobs: number, concurrency: number, inFlight: number): Promise<number> {
  const prefix = `hwbench-${randomBytes(4).toString('hex')}`;
  const workers = Array.from({ length: processes }, () => spawnWorker(prefix, concurrency));
  const server = new TaskManager({ ...bullmq({ connection: REDIS_URL, prefix }), maxActivePerOwner: 1_000_000 });
  const redis = new Redis(REDIS_URL);
  try {
    await Promise.all(workers.map((w) => w.ready));
    await server.start();
    const start = performance.now();
    const created = createAll(server, 'trivial', jobs, inFlight);
    for (;;) {
      // The store's index of completed records: one ZCARD.
      if ((await redis.zcard(`{${prefix}}:i:completed`)) >= jobs) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await created;
    return performance.now() - start;
  } finally {
    redis.disconnect();
    await server.shutdown({ mode: 'abort', timeoutMs: 5_000 });
    await stopWorkers(workers);
    await removePrefixKeys(prefix);
  }
}

/**
 * Progress relay latency: a task on a worker process calls `updateItem` every `gapMs` with the
 * time (epoch ms, µs precision) in its message; the server that created it takes each progress
 * event from its reporter and subtracts. One machine, one clock.
 */
export async function progressRelayLatency(items: number, gapMs: number): Promise<LatencyFigures> {
  const prefix = `hwbench-${randomBytes(4).toString('hex')}`;
  const workers = [spawnWorker(prefix, 4)];
  const server = new TaskManager({ ...bullmq({ connection: REDIS_URL, prefix }), maxActivePerOwner: 1_000_000 });
  const samples: number[] = [];
  const reporter: Reporter = {
    name: 'latency',
    eventTypes: ['progress'],
    onEvent: (event) => {
      if (event.type !== 'progress' || event.heartbeat || !event.message?.startsWith('t=')) return;
      samples.push(performance.timeOrigin + performance.now() - Number(event.message.slice(2)));
    },
  };
  try {
    await workers[0]!.ready;
    await server.start();
    const task = await server.create({ kind: 'ticker', input: { items, gapMs }, reporters: [reporter] });
    await task.wait();
    await server.flush();
  } finally {
    await server.shutdown({ mode: 'abort', timeoutMs: 5_000 });
    await stopWorkers(workers);
    await removePrefixKeys(prefix);
  }
  return { messages: samples.length, p50Ms: percentile(samples, 50), p99Ms: percentile(samples, 99), maxMs: Math.max(...samples) };
}

/** The kinds of the bench worker. */
export function defineBenchKinds(manager: TaskManager): void {
  manager.define('trivial', (n: number) => n * 2);
  manager.define('ticker', async ({ items, gapMs }: { items: number; gapMs: number }, ctx: TaskContext) => {
    await ctx.progress.phase('ticks', { total: items }, async (phase) => {
      for (let i = 0; i < items; i++) {
        await new Promise((resolve) => setTimeout(resolve, gapMs));
        phase.updateItem(i, `t=${performance.timeOrigin + performance.now()}`);
      }
    });
  });
}
