import { InvalidArgumentError } from '@headway/core';

/**
 * The Redis key layout of a store. Every key starts with `{prefix}:` so that, in a Redis Cluster,
 * all of a store's keys hash to one slot and its Lua scripts stay atomic.
 *
 * | key | type | holds |
 * |---|---|---|
 * | `{p}:seq` | string | the last `seq` handed out (INCR) |
 * | `{p}:t:<id>` | hash | one record: a field per top-level record key, each value JSON |
 * | `{p}:i:<group>` and `…:o:<owner>`, `…:k:<kind>`, `…:ok:<owner>:<kind>` | sorted sets | ids by `seq`, per group of statuses: `active` (every unfinished status: a start moves nothing, countActive is one ZCARD), `completed`, `failed`, `cancelled` (list and countActive) |
 * | `{p}:exp` | sorted set | terminal records with an `expiresAt`, scored by it (sweeping of the indexes) |
 * | `{p}:q.<kind>:…` | BullMQ's | one BullMQ queue per kind (BullMQ prefix `{p}`, queue name `q.<kind>`) |
 * | `{p}:dep:wait` | hash | tasks waiting for dependencies → how to enqueue them (JSON) |
 * | `{p}:dep:of:<id>` | set | the tasks waiting for task `<id>` |
 * | `{p}:reconcile` | string | the lock of the fleet's reconciler (one at a time, with a TTL) |
 * | `{p}:f:<id>` | string | someone follows task `<id>` (a flag with an expiry, renewed while followed): its events are published |
 * | `{p}:fa` | string | someone follows every task (a flag with a short expiry, renewed while followed) |
 * | channel `{p}:ev:<id>` | pub/sub | the events of task `<id>` (not a key: nothing is stored) |
 *
 * Owners and kinds are escaped (`%` → `%25`, `:` → `%3A`) so no two index keys can collide.
 */
export class KeyLayout {
  readonly base: string;
  constructor(prefix: string) {
    if (typeof prefix !== 'string' || !/^[^{}\s]{1,100}$/.test(prefix)) {
      throw new InvalidArgumentError('prefix', prefix, 'a key prefix of 1–100 characters without braces or spaces');
    }
    this.base = `{${prefix}}`;
  }
  get seq(): string {
    return `${this.base}:seq`;
  }
  record(id: string): string {
    return `${this.base}:t:${id}`;
  }
  /** BullMQ's queue name for a kind (BullMQ forbids `:` in queue names, so it is escaped). */
  queueName(kind: string): string {
    return `q.${escapeName(kind)}`;
  }
  get dependencyWait(): string {
    return `${this.base}:dep:wait`;
  }
  dependents(taskId: string): string {
    return `${this.base}:dep:of:${taskId}`;
  }
  /** The flag that says someone follows task `taskId` (see `RedisEventRelay`). */
  followFlag(taskId: string): string {
    return `${this.base}:f:${taskId}`;
  }
  /** The flag that says someone follows every task. */
  get followAllFlag(): string {
    return `${this.base}:fa`;
  }
  get reconcileLock(): string {
    return `${this.base}:reconcile`;
  }
  /** Every key of this store, for SCAN MATCH (cleanup in tests and tools). */
  get pattern(): string {
    return `${this.base}:*`;
  }
}

function escapeName(name: string): string {
  return name.replace(/%/g, '%25').replace(/:/g, '%3A');
}
