import { afterEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import type { TaskEvent } from '@headway/core';
import { RedisEventRelay, RedisTaskStore } from '../src/index.js';
import { REDIS_URL, eventually, removeKeys, scanKeys, sleep, taskRecord, uniquePrefix } from './helpers.js';

const base = { owner: 'o', kind: 'k', at: 0, attempt: 1 };
const progress = (taskId: string, value: number): TaskEvent => ({ ...base, taskId, type: 'progress', progress: value });
const log = (taskId: string, message: string): TaskEvent => ({ ...base, taskId, type: 'log', level: 'info', message });
const completed = (taskId: string): TaskEvent => ({ ...base, taskId, type: 'completed', result: 1, durationMs: 1 });

describe('RedisEventRelay', () => {
  let prefix: string;
  const closers: (() => unknown)[] = [];
  async function relay(options: { store?: RedisTaskStore } = {}) {
    const r = new RedisEventRelay({ connection: REDIS_URL, prefix, ...options });
    const received: TaskEvent[] = [];
    await r.open((event) => received.push(event));
    closers.push(() => r.close());
    return { relay: r, received };
  }
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    await removeKeys(prefix);
  });

  it('coalesces a burst of progress into its latest value, keeps the order of the rest, and never echoes its own events', async () => {
    prefix = uniquePrefix();
    const a = await relay();
    const b = await relay();
    a.relay.follow('t1');
    b.relay.follow('t1');
    await sleep(50);
    for (let i = 1; i <= 500; i++) a.relay.publish(progress('t1', i / 10));
    a.relay.publish(log('t1', 'phase two'));
    for (let i = 501; i <= 600; i++) a.relay.publish(progress('t1', i / 10));
    a.relay.publish(completed('t1'));
    await eventually(() => b.received.some((e) => e.type === 'completed'));
    expect(b.received.map((e) => (e.type === 'progress' ? `progress ${e.progress}` : e.type))).toEqual(['progress 50', 'log', 'progress 60', 'completed']);
    // After its end nothing more of the task is delivered.
    a.relay.publish(log('t1', 'late'));
    await sleep(100);
    expect(b.received).toHaveLength(4);
    expect(a.received).toEqual([]);
  });

  it('follows every task for a fleet-wide reporter, and hands cancellations to workers once, whatever else they follow', async () => {
    prefix = uniquePrefix();
    const a = await relay();
    const dashboard = await relay();
    const worker = await relay();
    dashboard.relay.followAll();
    worker.relay.followControl();
    worker.relay.follow('t5');
    await sleep(100);
    const cancelled = (taskId: string): TaskEvent => ({ ...base, taskId, type: 'cancelled', reason: 'stop', durationMs: 1, progress: 0 });
    a.relay.publish(log('t4', 'anything'));
    a.relay.publish(cancelled('t4'));
    a.relay.publish(cancelled('t5'));
    await eventually(() => dashboard.received.length === 3 && worker.received.length === 2);
    await sleep(100);
    expect(dashboard.received.map((e) => `${e.taskId} ${e.type}`)).toEqual(['t4 log', 't4 cancelled', 't5 cancelled']);
    // The worker hears both cancellations once: t4 on the control channel, t5 on its own channel.
    expect(worker.received.map((e) => `${e.taskId} ${e.type}`).sort()).toEqual(['t4 cancelled', 't5 cancelled']);
  });

  it('stores nothing and subscribes nothing for tasks nobody follows; interest is dropped with the last unfollow', async () => {
    prefix = uniquePrefix();
    const a = await relay();
    const b = await relay();
    const redis = new Redis(REDIS_URL);
    closers.push(() => redis.disconnect());
    const channel = `{${prefix}}:ev:t2`;
    for (let i = 0; i < 1000; i++) a.relay.publish(log('t2', `line ${i}`));
    await sleep(100);
    expect(await scanKeys(redis, prefix)).toEqual([]);
    expect(await redis.pubsub('NUMSUB', channel)).toEqual([channel, 0]);
    b.relay.follow('t2');
    b.relay.follow('t2');
    await eventually(async () => ((await redis.pubsub('NUMSUB', channel)) as [string, number])[1] === 1);
    b.relay.unfollow('t2');
    await sleep(50);
    expect(((await redis.pubsub('NUMSUB', channel)) as [string, number])[1]).toBe(1);
    b.relay.unfollow('t2');
    await eventually(async () => ((await redis.pubsub('NUMSUB', channel)) as [string, number])[1] === 0);
    expect(b.relay.followed).toBe(0);
  });

  it('publishes nothing of a task nobody follows, and everything once someone follows it or every task', async () => {
    prefix = uniquePrefix();
    const a = await relay();
    const b = await relay();
    // A bare subscriber to every task channel: it sees what is published, and sets no follow flag.
    const spy = new Redis(REDIS_URL);
    const redis = new Redis(REDIS_URL);
    closers.push(() => spy.disconnect(), () => redis.disconnect());
    const published: string[] = [];
    spy.on('pmessage', (_pattern: string, channel: string) => published.push(channel.slice(`{${prefix}}:ev:`.length)));
    await spy.psubscribe(`{${prefix}}:ev:*`);
    const created = (taskId: string): TaskEvent => ({ ...base, taskId, type: 'created', metadata: {}, dependsOn: [], ttlMs: 1, maxAttempts: 1 });
    a.relay.publish(created('t7'));
    a.relay.publish(log('t7', 'nobody listens'));
    await sleep(150);
    a.relay.publish(log('t7', 'still nobody'));
    await sleep(150);
    expect(published).toEqual([]);
    // A follow begins while the task runs: the publisher, which remembered "nobody", hears of it.
    b.relay.follow('t7');
    await eventually(async () => (await redis.exists(`{${prefix}}:f:t7`)) === 1);
    await sleep(100);
    a.relay.publish(log('t7', 'now followed'));
    a.relay.publish(completed('t7'));
    await eventually(() => b.received.some((e) => e.type === 'completed'));
    expect(b.received.map((e) => (e.type === 'log' ? e.message : e.type))).toEqual(['now followed', 'completed']);
    // A fleet-wide follower makes every event go out, creations included.
    const dashboard = await relay();
    dashboard.relay.followAll();
    await sleep(150);
    a.relay.publish(created('t8'));
    await eventually(() => dashboard.received.some((e) => e.taskId === 't8' && e.type === 'created'));
  });

  it('after its subscriber reconnects, delivers the end of a followed task it missed, read from the store', async () => {
    prefix = uniquePrefix();
    const store = await RedisTaskStore.open({ connection: REDIS_URL, prefix });
    closers.push(() => store.close());
    await store.create(taskRecord('t3', await store.nextSeq(), { status: 'working' }));
    const b = await relay({ store });
    b.relay.follow('t3');
    const redis = new Redis(REDIS_URL);
    closers.push(() => redis.disconnect());
    await eventually(async () => ((await redis.pubsub('NUMSUB', `{${prefix}}:ev:t3`)) as [string, number])[1] === 1);
    // The subscriber's connection drops; the task ends meanwhile, its event published to nobody.
    const clients = (await redis.client('LIST')) as string;
    const line = clients.split('\n').find((l) => l.includes(`name=headway-relay-sub-${b.relay.node}`))!;
    await store.update('t3', { status: 'completed', result: 'done', finishedAt: Date.now() }, { expect: ['working'] });
    await redis.client('KILL', 'ID', /\bid=(\d+)/.exec(line)![1]!);
    await eventually(() => b.received.some((e) => e.type === 'completed'));
    expect(b.received).toEqual([expect.objectContaining({ type: 'completed', taskId: 't3', result: 'done' })]);
  });

  it('delivers the end of a task that ended before its follow took effect, once', async () => {
    prefix = uniquePrefix();
    const store = await RedisTaskStore.open({ connection: REDIS_URL, prefix });
    closers.push(() => store.close());
    await store.create(taskRecord('t6', await store.nextSeq(), { status: 'completed', result: 'early', finishedAt: Date.now() }));
    const b = await relay({ store });
    b.relay.follow('t6');
    b.relay.follow('t6');
    await eventually(() => b.received.length === 1);
    await sleep(100);
    expect(b.received).toEqual([expect.objectContaining({ type: 'completed', taskId: 't6', result: 'early' })]);
  });
});
