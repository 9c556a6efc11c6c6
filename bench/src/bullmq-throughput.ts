// bullmq-throughput, raw half: 20,000 trivial jobs through raw BullMQ 6 (one Queue, one Worker of
// concurrency N, the same Redis), timed from the first add to the last completion, with job ids
// of Headway's shape and the queue settings Headway will use (removeOnComplete); once plain and
// once with priority 1 on every job (what O(log n) queue positions cost: jobs in a sorted set
// instead of a list). The Headway-on-BullMQ half is added beside it with the same settings.
// Also the floors for the progress relay: Redis pub/sub, stream and BullMQ Relay latency.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Queue, Worker } from 'bullmq';
import type { JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { newTaskId } from '@headway/core/spi';
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

export async function main(): Promise<void> {
  const plain: number[] = [];
  const prioritized: number[] = [];
  await rawBullmqRun(2_000, JOB_OPTIONS); // warm-up
  await rawBullmqRun(2_000, { ...JOB_OPTIONS, priority: 1 });
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate the order so drift on a shared machine hits both alike.
    const order = round % 2 ? (['prioritized', 'plain'] as const) : (['plain', 'prioritized'] as const);
    for (const variant of order) {
      const ms = await rawBullmqRun(JOBS, variant === 'plain' ? JOB_OPTIONS : { ...JOB_OPTIONS, priority: 1 });
      (variant === 'plain' ? plain : prioritized).push(ms);
    }
    console.log(`  round ${round + 1}: plain ${plain.at(-1)!.toFixed(0)} ms, priority 1 ${prioritized.at(-1)!.toFixed(0)} ms`);
  }
  const latency: Record<string, LatencyFigures> = {
    pubSub: await pubSubLatency(REDIS_URL, `hwbench-${randomBytes(4).toString('hex')}`, LATENCY_MESSAGES, LATENCY_GAP_MS),
    stream: await streamLatency(REDIS_URL, `hwbench-${randomBytes(4).toString('hex')}`, LATENCY_MESSAGES, LATENCY_GAP_MS),
    bullmqRelay: await relayLatency(REDIS_URL, `hwbench-${randomBytes(4).toString('hex')}`, LATENCY_MESSAGES, LATENCY_GAP_MS),
  };
  for (const [name, l] of Object.entries(latency)) console.log(`  ${name}: p50 ${l.p50Ms.toFixed(3)} ms, p99 ${l.p99Ms.toFixed(3)} ms, max ${l.maxMs.toFixed(1)} ms`);
  const perSecond = (ms: number[]) => JOBS / (median(ms) / 1000);
  writeResult({
    name: 'bullmq-throughput',
    description: `${JOBS.toLocaleString()} trivial jobs through raw BullMQ (one Queue, one Worker of concurrency ${CONCURRENCY}, ${IN_FLIGHT_ADDS} adds in flight, removeOnComplete, same process and Redis), plain and with priority 1; Redis delivery latency floors for the progress relay (${ROUNDS} rounds, medians; the Headway half comes later)`,
    figures: {
      jobs: JOBS,
      concurrency: CONCURRENCY,
      rawPlainMs: plain,
      rawPrioritizedMs: prioritized,
      rawPlainJobsPerSecond: perSecond(plain),
      rawPrioritizedJobsPerSecond: perSecond(prioritized),
      latency,
    },
    ratios: { prioritizedOverPlainTime: median(prioritized) / median(plain) },
    targets: [
      { name: 'floor: raw pub/sub p50 ms (progress relay target p50 <= 5 ms)', target: '<= 5', measured: latency.pubSub!.p50Ms, met: latency.pubSub!.p50Ms <= 5 },
      { name: 'floor: raw pub/sub p99 ms (progress relay target p99 <= 50 ms)', target: '<= 50', measured: latency.pubSub!.p99Ms, met: latency.pubSub!.p99Ms <= 50 },
      { name: 'floor: BullMQ Relay p50 ms', target: '<= 5', measured: latency.bullmqRelay!.p50Ms, met: latency.bullmqRelay!.p50Ms <= 5 },
      { name: 'floor: BullMQ Relay p99 ms', target: '<= 50', measured: latency.bullmqRelay!.p99Ms, met: latency.bullmqRelay!.p99Ms <= 50 },
    ],
  });
}
