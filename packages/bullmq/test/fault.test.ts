import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANY_OWNER } from '@headway/core';
import { RedisStoreError, RedisTaskStore } from '../src/index.js';
import { PrivateRedis, sleep, taskRecord } from './helpers.js';

describe('RedisTaskStore when Redis goes away', () => {
  let redis: PrivateRedis;
  beforeAll(async () => {
    redis = await PrivateRedis.start();
  });
  afterAll(async () => {
    await redis.stop();
  });

  it('fails operations with errors naming Redis and the operation, then recovers by itself; nothing acknowledged is lost', async () => {
    const store = await RedisTaskStore.open({ connection: redis.url, prefix: 'fault' });
    try {
      for (let i = 0; i < 20; i++) await store.create(taskRecord(`t${i}`, await store.nextSeq()));
      await store.update('t0', { status: 'working', checkpoint: { step: 1 } }, { expect: ['queued'] });
      const lastSeq = await store.nextSeq();

      await redis.kill();
      const started = Date.now();
      const readError = await store.get('t1', ANY_OWNER).catch((e: unknown) => e);
      expect(readError).toBeInstanceOf(RedisStoreError);
      expect((readError as Error).message).toMatch(new RegExp(`^Redis at redis://127\\.0\\.0\\.1:${redis.port} .*get of task "t1" failed: `));
      const writeError = await store.create(taskRecord('lost', 999)).catch((e: unknown) => e);
      expect((writeError as RedisStoreError).operation).toBe('create of task "lost"');
      // A batch that fails fails every caller in it, each error naming its own operation.
      const batch = await Promise.all([
        store.create(taskRecord('lost1', 1000)),
        store.create(taskRecord('lost2', 1001)),
        store.update('t1', { status: 'working' }),
        store.nextSeq(),
      ].map((p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e)));
      expect(batch.every((e) => e instanceof RedisStoreError)).toBe(true);
      expect(batch.map((e) => (e as RedisStoreError).operation)).toEqual(['create of task "lost1"', 'create of task "lost2"', 'update of task "t1"', 'nextSeq']);
      expect(Date.now() - started).toBeLessThan(10_000);
      if (process.env.HW_SHOW) console.log({ readError: (readError as Error).message, writeError: (writeError as Error).message, ms: Date.now() - started });

      await redis.restart();
      let back: unknown;
      for (let i = 0; i < 100 && back === undefined; i++) {
        back = await store.get('t0', ANY_OWNER).catch(() => undefined);
        if (back === undefined) await sleep(100);
      }
      if (process.env.HW_SHOW) console.log({ recoveredAfterRestartMs: Date.now() - started });
      expect(back).toMatchObject({ status: 'working', checkpoint: { step: 1 } });
      const all = await store.list({ owner: ANY_OWNER, limit: 100 });
      expect(all.tasks.map((t) => t.id)).toEqual(Array.from({ length: 20 }, (_, i) => `t${i}`));
      expect(await store.nextSeq()).toBeGreaterThan(lastSeq);
      await store.create(taskRecord('after', await store.nextSeq()));
      expect((await store.update('t0', { status: 'completed' }, { expect: ['working'] })).ok).toBe(true);
      expect(await store.countActive('alice')).toBe(20);
    } finally {
      await store.close();
    }
  });
});
