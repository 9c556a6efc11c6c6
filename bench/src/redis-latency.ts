// Delivery latency on loopback of the three ways a progress event can cross processes through
// Redis, as floors for the event relay: pub/sub (PUBLISH → a subscribed client), a stream
// (XADD → a reader blocked in XREAD) and BullMQ 6's Relay (per-node inbox streams, routed by
// topic in Lua). Publisher and subscriber share this process (one clock); messages are paced so
// the figures are latency, not queueing.
import { performance } from 'node:perf_hooks';
import { Relay } from 'bullmq';
import { Redis } from 'ioredis';
import { percentile } from './harness.js';

export interface LatencyFigures {
  messages: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function summarise(samples: number[]): LatencyFigures {
  return { messages: samples.length, p50Ms: percentile(samples, 50), p99Ms: percentile(samples, 99), maxMs: Math.max(...samples) };
}

/** Sends `count` messages `gapMs` apart through `send`; `received` is called with each latency. */
async function paced(count: number, gapMs: number, send: (sentAt: number) => Promise<unknown>, arrivals: number[]): Promise<LatencyFigures> {
  for (let i = 0; i < count; i++) {
    await send(performance.now());
    await sleep(gapMs);
  }
  for (let i = 0; i < 100 && arrivals.length < count; i++) await sleep(20);
  if (arrivals.length < count) throw new Error(`only ${arrivals.length} of ${count} messages arrived`);
  return summarise(arrivals);
}

export async function pubSubLatency(url: string, channel: string, count: number, gapMs: number): Promise<LatencyFigures> {
  const pub = new Redis(url);
  const sub = new Redis(url);
  const arrivals: number[] = [];
  try {
    await sub.subscribe(channel);
    sub.on('message', (_channel: string, message: string) => arrivals.push(performance.now() - Number(message)));
    return await paced(count, gapMs, (sentAt) => pub.publish(channel, String(sentAt)), arrivals);
  } finally {
    pub.disconnect();
    sub.disconnect();
  }
}

export async function streamLatency(url: string, key: string, count: number, gapMs: number): Promise<LatencyFigures> {
  const pub = new Redis(url);
  const reader = new Redis(url);
  const arrivals: number[] = [];
  let reading = true;
  const loop = (async () => {
    let last = '$';
    while (reading) {
      const reply = (await reader.xread('BLOCK', 200, 'STREAMS', key, last)) as [string, [string, string[]][]][] | null;
      for (const [, entries] of reply ?? []) {
        for (const [id, fields] of entries) {
          arrivals.push(performance.now() - Number(fields[1]));
          last = id;
        }
      }
    }
  })();
  try {
    await sleep(50);
    return await paced(count, gapMs, (sentAt) => pub.xadd(key, 'MAXLEN', '~', 1000, '*', 't', String(sentAt)), arrivals);
  } finally {
    reading = false;
    await loop;
    await pub.del(key);
    pub.disconnect();
    reader.disconnect();
  }
}

export async function relayLatency(url: string, prefix: string, count: number, gapMs: number): Promise<LatencyFigures> {
  const connection = { url, maxRetriesPerRequest: null };
  const publisher = new Relay({ connection, prefix, namespace: 'bench' });
  const subscriber = new Relay({ connection, prefix, namespace: 'bench' });
  const arrivals: number[] = [];
  try {
    await Promise.all([publisher.waitUntilReady(), subscriber.waitUntilReady()]);
    await subscriber.subscribe<{ t: number }>('tasks.t1.progress', (message) => void arrivals.push(performance.now() - message.data.t));
    return await paced(count, gapMs, (sentAt) => publisher.publish('tasks.t1.progress', { t: sentAt }), arrivals);
  } finally {
    await publisher.close();
    await subscriber.close();
  }
}
