// bullmq-throughput: 20,000 trivial tasks through Headway on BullMQ (bullmq-headway.ts) against
// the same jobs through raw BullMQ 6 (one Queue, one Worker of concurrency N, the same Redis),
// timed from the first add to the last completion, with job ids of Headway's shape and the queue
// settings Headway uses (removeOnComplete); raw once plain (as Headway adds its jobs) and once with
// priority 1 on every job (what O(log n) queue positions would cost: jobs in a sorted set instead
// of a list). Then
// Headway with 1, 2 and 4 worker processes, the progress relay latency from a worker process's
// updateItem to the creating server's reporter, and the Redis delivery floors under it.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Queue, Worker } from 'bullmq';
import type { JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { newTaskId } from '@headway/core/spi';
import { headwayInProcessRun, headwayProcessesRun, progressRelayLatency } from './bullmq-headway.js';
import { median, writeResult } from './harness.js';
import { pubSubLatency, relayLatency, streamLatency } from './redis-latency.js';
import type { LatencyFigures } from './redis-latency.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const JOBS = 20_000;
const CONCURRENCY = 32;
const IN_FLIGHT_ADDS = 1_000;
const ROUNDS = 3;
const LATENCY_MESSAGES = 2_000;
const LATENCY_GAP_MS = 2;

const connection = { url: REDIS_URL, maxRetriesPerRequest: null };
const JOB_OPTIONS: JobsOptions = { removeOnComplete: true, removeOnFail: true };

/** One run: a fresh queue and worker under a fresh prefix; resolves with the elapsed ms. */
export async function rawBullmqRun(jobs: number, options: JobsOptions): Promise<number> {
  const prefix = `hwbench-${randomBytes(4).toString('hex')}`;
  const queue = new Queue('bench', { connection, prefix });
  let completed = 0;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const worker = new Worker('bench', async (job) => (job.data as { n: number }).n * 2, { connection, prefix, concurrency: CONCURRENCY });
  worker.on('completed', () => {
    if (++completed === jobs) done();
  });
  try {
    await Promise.all([queue.waitUntilReady(), worker.waitUntilReady()]);
    const start = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT_ADDS }, async () => {
        while (next < jobs) {
          const n = next++;
          await queue.add('trivial', { n }, { ...options, jobId: newTaskId() });
        }
      }),
    );
    await finished;
    return performance.now() - start;
  } finally {
    await worker.close();
    await queue.obliterate({ force: true });
    await queue.close();
    await removePrefix(prefix);
  }
}

async function removePrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}

/** Worker processes for the scaling run. */
const PROCESSES = [1, 2, 4] as const;
const RELAY_ITEMS = 2_000;
const RELAY_GAP_MS = 2;

export async function main(): Promise<void> {
  const plain: number[] = [];
  const prioritized: number[] = [];
  const headway: number[] = [];
  const headwayCpuMs: number[] = [];
  const plainCpuMs: number[] = [];
  // Warm-ups: connections, scripts, JIT.
  await rawBullmqRun(2_000, JOB_OPTIONS);
  await rawBullmqRun(2_000, { ...JOB_OPTIONS, priority: 1 });
  await headwayInProcessRun(2_000, CONCURRENCY, IN_FLIGHT_ADDS);
  const variants = ['plain', 'prioritized', 'headway'] as const;
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate the order so drift on a shared machine hits every variant alike.
    for (let k = 0; k < variants.length; k++) {
      const variant = variants[(round + k) % variants.length]!;
      // This process's CPU time (both sides run here; Redis' is not counted): less noisy than wall time on a shared machine.
      const cpu = process.cpuUsage();
      if (variant === 'headway') headway.push(await headwayInProcessRun(JOBS, CONCURRENCY, IN_FLIGHT_ADDS));
      else (variant === 'plain' ? plain : prioritized).push(await rawBullmqRun(JOBS, variant === 'plain' ? JOB_OPTIONS : { ...JOB_OPTIONS, priority: 1 }));
      const used = process.cpuUsage(cpu);
      if (variant === 'headway') headwayCpuMs.push((used.user + used.system) / 1000);
      else if (variant === 'plain') plainCpuMs.push((used.user + used.system) / 1000);
    }
    console.log(
      `  round ${round + 1}: raw ${plain.at(-1)!.toFixed(0)} ms, raw priority 1 ${prioritized.at(-1)!.toFixed(0)} ms, Headway ${headway.at(-1)!.toFixed(0)} ms ` +
        `(${(headway.at(-1)! / plain.at(-1)!).toFixed(2)}×); process CPU raw ${plainCpuMs.at(-1)!.toFixed(0)} ms, Headway ${headwayCpuMs.at(-1)!.toFixed(0)} ms`,
    );
  }
  const scaling: Record<string, { ms: number; tasksPerSecond: number }> = {};
  for (const processes of PROCESSES) {
    const ms = await headwayProcessesRun(processes, JOBS, CONCURRENCY, IN_FLIGHT_ADDS);
    scaling[`${processes}`] = { ms, tasksPerSecond: JOBS / (ms / 1000) };
    console.log(`  ${processes} worker process(es): ${ms.toFixed(0)} ms, ${scaling[`${processes}`]!.tasksPerSecond.toFixed(0)} tasks/s`);
  }
  const relay = await progressRelayLatency(RELAY_ITEMS, RELAY_GAP_MS);
  console.log(`  progress relay (worker updateItem -> server reporter): p50 ${relay.p50Ms.toFixed(2)} ms, p99 ${relay.p99Ms.toFixed(2)} ms, max ${relay.maxMs.toFixed(1)} ms over ${relay.messages}`);
  const latency: Record<string, LatencyFigures> = {
    pubSub: await pubSubLatency(REDIS_URL, `hwbench-${randomBytes(4).toString('hex')}`, LATENCY_MESSAGES, LATENCY_GAP_MS),
    stream: await streamLatency(REDIS_URL, `hwbench-${randomBytes(4).toString('hex')}`, LATENCY_MESSAGES, LATENCY_GAP_MS),
    bullmqRelay: await relayLatency(REDIS_URL, `hwbench-${randomBytes(4).toString('hex')}`, LATENCY_MESSAGES, LATENCY_GAP_MS),
  };
  for (const [name, l] of Object.entries(latency)) console.log(`  floor ${name}: p50 ${l.p50Ms.toFixed(3)} ms, p99 ${l.p99Ms.toFixed(3)} ms, max ${l.maxMs.toFixed(1)} ms`);
  const perSecond = (ms: number[]) => JOBS / (median(ms) / 1000);
  const ratio = median(headway) / median(plain);
  writeResult({
    name: 'bullmq-throughput',
    description:
      `${JOBS.toLocaleString()} trivial tasks through Headway on BullMQ (a server TaskManager creating, a worker TaskManager running, in one process) ` +
      `against the same jobs through raw BullMQ (one Queue, one Worker), both with one queue, worker concurrency ${CONCURRENCY}, ${IN_FLIGHT_ADDS} creates/adds in flight, ` +
      `jobs removed on completion, the same Redis (${ROUNDS} rounds, medians); Headway with 1, 2 and 4 worker processes; progress relay latency from a worker ` +
      `process's updateItem to the creating server's reporter (${RELAY_ITEMS} items ${RELAY_GAP_MS} ms apart); Redis delivery floors`,
    figures: {
      jobs: JOBS,
      concurrency: CONCURRENCY,
      rawPlainMs: plain,
      rawPrioritizedMs: prioritized,
      headwayMs: headway,
      headwayProcessCpuMs: headwayCpuMs,
      rawPlainProcessCpuMs: plainCpuMs,
      rawPlainJobsPerSecond: perSecond(plain),
      rawPrioritizedJobsPerSecond: perSecond(prioritized),
      headwayTasksPerSecond: perSecond(headway),
      workerProcesses: scaling,
      progressRelay: relay,
      latency,
    },
    ratios: {
      headwayOverRawTime: ratio,
      headwayOverRawProcessCpu: median(headwayCpuMs) / median(plainCpuMs),
      headwayOverRawPrioritizedTime: median(headway) / median(prioritized),
      prioritizedOverPlainTime: median(prioritized) / median(plain),
      twoOverOneWorkerProcessThroughput: scaling['2']!.tasksPerSecond / scaling['1']!.tasksPerSecond,
      fourOverOneWorkerProcessThroughput: scaling['4']!.tasksPerSecond / scaling['1']!.tasksPerSecond,
    },
    targets: [
      { name: 'Headway on BullMQ time / raw BullMQ time', target: '<= 1.25', measured: ratio, met: ratio <= 1.25 },
      { name: 'progress relay p50 ms (worker updateItem -> server reporter)', target: '<= 5', measured: relay.p50Ms, met: relay.p50Ms <= 5 },
      { name: 'progress relay p99 ms', target: '<= 50', measured: relay.p99Ms, met: relay.p99Ms <= 50 },
    ],
  });
}
