// A worker process of the example: `runWorker` with the tasks module (what `headway-worker --tasks`
// does). Usage: node examples/dist/distributed/worker.js
import { runWorker } from '@headway/bullmq';
import { fleetConfig } from './config.js';
import register, { reporters } from './tasks.js';

await runWorker({
  tasks: { register, reporters },
  connection: fleetConfig.redisUrl,
  prefix: fleetConfig.prefix,
  concurrency: Number(process.env.WORKER_CONCURRENCY ?? 4),
  stalledJobBoundMs: fleetConfig.stalledJobBoundMs,
});
console.log(`worker ${process.pid}: ready`);
