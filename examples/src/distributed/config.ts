import { resolve } from 'node:path';

/** What every process of the example fleet shares, from the environment. */
export const fleetConfig = {
  /** The one Redis of the fleet. */
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  /** Names every key and channel of this fleet in Redis. */
  prefix: process.env.HEADWAY_PREFIX ?? 'schema-registry',
  /** The registry the tools work on: a folder here, a remote service in real life. */
  registryDir: resolve(process.env.REGISTRY_DIR ?? '.headway-distributed/registry'),
  registryLatencyMs: Number(process.env.REGISTRY_LATENCY_MS ?? 20),
  /** How soon a dead worker's task goes to another worker (the same on every process). */
  stalledJobBoundMs: Number(process.env.STALLED_BOUND_MS ?? 10_000),
};
