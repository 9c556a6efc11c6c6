// A worker process of the bullmq-throughput benchmark. argv: prefix, concurrency.
import { runWorker } from '@headway/bullmq';
import { defineBenchKinds, REDIS_URL } from './bullmq-headway.js';

const [prefix, concurrency] = process.argv.slice(2);
await runWorker({
  connection: REDIS_URL,
  prefix: prefix!,
  concurrency: Number(concurrency),
  tasks: defineBenchKinds,
  shutdownTimeoutMs: 2_000,
  log: () => undefined,
  // Every progress event goes out (the relay latency is measured per updateItem).
  manager: { progress: { minIntervalMs: 0, minPercentDelta: 0.01 } },
});
console.log('ready');
