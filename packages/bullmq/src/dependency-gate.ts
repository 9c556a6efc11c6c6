import type { Redis } from 'ioredis';
import { DependencyFailedError, isTerminal } from '@headway/core';
import type { ResolvedRetryOptions, SchedulerHost, TaskRecord } from '@headway/core/spi';
import type { KeyLayout } from './keys.js';
import { LuaScript } from './lua-script.js';

/**
 * KEYS: the wait hash, then each dependency's set of dependents, then each dependency's record.
 * ARGV: the dependent's id, how to enqueue it (JSON), the number of dependencies. Registers the
 * dependent and marks each dependency record `hasDependents`, so the end of a task without
 * dependents costs no lookup.
 */
const HOLD = new LuaScript(
  'hold',
  `local n = tonumber(ARGV[3])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
for i = 1, n do
  redis.call('SADD', KEYS[1 + i], ARGV[1])
  if redis.call('EXISTS', KEYS[1 + n + i]) == 1 then redis.call('HSET', KEYS[1 + n + i], 'hasDependents', 'true') end
end
return 1`,
  -1,
);

/** What a task waiting for its dependencies needs to be enqueued once they end. */
interface WaitEntry {
  readonly kind: string;
  readonly retry: ResolvedRetryOptions;
}

export type Enqueue = (taskId: string, kind: string, retry: ResolvedRetryOptions) => Promise<void>;

/**
 * Dependencies across the fleet, kept in Redis beside the records: a task with `dependsOn` is not
 * enqueued until each dependency has ended; then it is enqueued, or failed with
 * `DependencyFailedError` (unless `runOnDependencyFailure`). Any process that sees a task end
 * (the worker that finished it, the replica that cancelled it) releases its dependents.
 *
 * Keys: `{p}:dep:of:<id>` holds the tasks waiting for `<id>`; `{p}:dep:wait` maps each waiting
 * task to how to enqueue it. Interest is registered before the dependencies are read, and every
 * release reads all of a dependent's dependencies after its own terminal write, so the last one to
 * end always sees them all ended; the decision is claimed with one `HDEL`, so it is made once.
 *
 * Why not BullMQ flows: a flow job has one parent (Headway's `dependsOn` is a graph where one task
 * may be depended on by many), a new parent over an existing failed child waits forever, and what
 * a failure does is an option of the child fixed when it is created, where Headway decides it per
 * dependent (`runOnDependencyFailure`). See the README.
 */
export class DependencyGate {
  constructor(
    private readonly client: Redis,
    private readonly keys: KeyLayout,
    private readonly host: () => SchedulerHost,
    private readonly enqueue: Enqueue,
  ) {}

  /** Holds `record` until its dependencies end. */
  async submit(record: Readonly<TaskRecord>, retry: ResolvedRetryOptions): Promise<void> {
    const entry: WaitEntry = { kind: record.kind, retry };
    const deps = record.dependsOn;
    await HOLD.run(
      this.client,
      [this.keys.dependencyWait, ...deps.map((dep) => this.keys.dependents(dep)), ...deps.map((dep) => this.keys.record(dep))],
      [record.id, JSON.stringify(entry), deps.length],
    );
    await this.check(record);
  }

  /** `record` ended: decide for each task that waits on it (only a task marked `hasDependents` has any). */
  async release(record: TaskRecord): Promise<void> {
    if ((record as { hasDependents?: unknown }).hasDependents !== true) return;
    const key = this.keys.dependents(record.id);
    const waiting = await this.client.smembers(key);
    if (waiting.length === 0) return;
    for (const id of waiting) {
      const dependent = await this.host().read(id);
      if (dependent) await this.check(dependent);
      else await this.client.hdel(this.keys.dependencyWait, id);
    }
    await this.client.del(key);
  }

  /** A cancelled task waits for nothing any more. */
  async forget(taskId: string): Promise<void> {
    await this.client.hdel(this.keys.dependencyWait, taskId);
  }

  /** Every task still waiting, checked again (after a process died between a task's end and its release). */
  async recheckAll(): Promise<number> {
    let checked = 0;
    let cursor = '0';
    do {
      const [next, flat] = await this.client.hscan(this.keys.dependencyWait, cursor, 'COUNT', 200);
      cursor = next;
      for (let i = 0; i < flat.length; i += 2) {
        const record = await this.host().read(flat[i]!);
        if (record && !isTerminal(record.status)) await this.check(record);
        else await this.client.hdel(this.keys.dependencyWait, flat[i]!);
        checked++;
      }
    } while (cursor !== '0');
    return checked;
  }

  private async check(record: Readonly<TaskRecord>): Promise<void> {
    if (record.status !== 'queued') {
      await this.client.hdel(this.keys.dependencyWait, record.id);
      return;
    }
    let pending = false;
    let failed: DependencyFailedError | undefined;
    for (const dep of record.dependsOn) {
      const status = (await this.host().read(dep))?.status ?? 'missing';
      if (status !== 'missing' && !isTerminal(status)) pending = true;
      else if (status !== 'completed' && !record.runOnDependencyFailure) {
        failed = new DependencyFailedError(dep, status);
        break;
      }
    }
    if (pending && !failed) return;
    // Every dependency ended, or one failed: whoever removes the entry decides, once.
    const raw = await this.client.hget(this.keys.dependencyWait, record.id);
    if (raw === null || (await this.client.hdel(this.keys.dependencyWait, record.id)) === 0) return;
    if (failed) await this.host().failTask(record.id, failed);
    else {
      const entry = JSON.parse(raw) as WaitEntry;
      await this.enqueue(record.id, entry.kind, entry.retry);
    }
  }
}
