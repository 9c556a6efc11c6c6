import { MemoryTaskStore } from '@headway/core/spi';
import { RedisTaskStore } from '../src/index.js';
import type { TaskStore as SharedTaskStore } from '@headway/core/spi';
import { REDIS_URL, removeKeys, uniquePrefix } from './helpers.js';
import { describeTaskStoreContract } from './task-store-contract.js';

describeTaskStoreContract('RedisTaskStore', async () => {
  const prefix = uniquePrefix();
  const opened: RedisTaskStore[] = [];
  const open = async () => {
    const store = await RedisTaskStore.open({ connection: REDIS_URL, prefix });
    opened.push(store);
    return store;
  };
  const store = await open();
  return {
    store,
    peer: open,
    reopen: async () => {
      await store.close();
      return open();
    },
    async cleanup() {
      await Promise.all(opened.map((s) => s.close()));
      await removeKeys(prefix);
    },
  };
});

// The same tests against the core's memory store: they assume nothing Redis-specific.
describeTaskStoreContract('MemoryTaskStore', async () => ({
  store: new MemoryTaskStore() as unknown as SharedTaskStore,
  async cleanup() {},
}));
