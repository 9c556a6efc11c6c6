// The core's TaskStore conformance kit, on Redis: one prefix per store, its keys removed after.
import { describeTaskStore } from '@headway/core/testing';
import type { TaskStore } from '@headway/core/spi';
import { RedisTaskStore } from '../src/index.js';
import { REDIS_URL, removeKeys, uniquePrefix } from './helpers.js';

const prefixes = new WeakMap<TaskStore, string>();

async function open(prefix: string): Promise<RedisTaskStore> {
  const store = await RedisTaskStore.open({ connection: REDIS_URL, prefix });
  prefixes.set(store, prefix);
  return store;
}

describeTaskStore('RedisTaskStore', {
  create: () => open(uniquePrefix()),
  async reopen(store) {
    await store.close?.();
    return open(prefixes.get(store)!);
  },
  async cleanup(store) {
    await removeKeys(prefixes.get(store)!);
  },
});
