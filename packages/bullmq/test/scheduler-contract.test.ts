// The core's Scheduler conformance kit on BullMQ: one manager that enqueues and works, on the real Redis.
import { describeScheduler } from '@headway/core/testing';
import { bullmq } from '../src/index.js';
import { REDIS_URL, removeKeys, uniquePrefix } from './helpers.js';

describeScheduler('BullMqScheduler', ({ concurrency }) => {
  const prefix = uniquePrefix();
  const { store, scheduler, relay } = bullmq({ connection: REDIS_URL, prefix, work: true, concurrency, stalledJobBoundMs: 3_000 });
  return { scheduler, options: { store, relay }, cleanup: async () => void (await removeKeys(prefix)) };
});
