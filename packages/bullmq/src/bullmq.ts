import { InvalidArgumentError } from '@headway/core';
import { BullMqScheduler } from './bullmq-scheduler.js';
import type { BullMqSchedulerOptions } from './bullmq-scheduler.js';
import type { RedisConnection } from './connection.js';
import { RedisEventRelay } from './redis-event-relay.js';
import { RedisTaskStore } from './redis-task-store.js';
import type { RedisTaskStoreOptions } from './redis-task-store.js';

export interface BullMqOptions extends Omit<BullMqSchedulerOptions, 'connection' | 'prefix' | 'relay'> {
  /** Where Redis is: a `redis://` or `rediss://` URL, ioredis options, or an ioredis client. Default `redis://127.0.0.1:6379`. */
  connection?: RedisConnection;
  /** Names every key and channel (`{prefix}:…`): the processes of one fleet share it. Default `headway`. */
  prefix?: string;
  /** Writes of the store also wait for this many replicas (see `RedisTaskStoreOptions.replicas`). */
  replicas?: RedisTaskStoreOptions['replicas'];
}

/** The three seams of a `TaskManager` that runs on Redis and BullMQ. */
export interface BullMqSeams {
  readonly store: RedisTaskStore;
  readonly scheduler: BullMqScheduler;
  readonly relay: RedisEventRelay;
}

/**
 * A Redis store, a BullMQ scheduler and a Redis event relay sharing one connection setting and
 * prefix: `new TaskManager({ ...bullmq({ connection, prefix }) })`. A server enqueues (the default);
 * `work: true` (or `createWorker`) also runs the kinds defined on the manager.
 */
export function bullmq(options: BullMqOptions = {}): BullMqSeams {
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('options', options, 'an object');
  const { connection, prefix, replicas, ...rest } = options;
  const store = new RedisTaskStore({ connection, prefix, ...(replicas !== undefined && { replicas }) });
  const relay = new RedisEventRelay({ connection, prefix, store, ...(rest.onError !== undefined && { onError: rest.onError }) });
  const scheduler = new BullMqScheduler({ ...rest, connection, prefix, relay });
  return { store, scheduler, relay };
}
