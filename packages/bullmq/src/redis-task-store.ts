import type { Redis } from 'ioredis';
import { ANY_OWNER, HeadwayError, InvalidArgumentError, TASK_STATUSES } from '@headway/core';
import type { OwnerScope } from '@headway/core';
import { activeLimitError, checkPageSize, decodeCursor, encodeCursor } from '@headway/core/spi';
import type { CreateOptions, ListPage, ListQuery, TaskPatch, TaskRecord, TaskStore, UpdateOptions, UpdateResult } from '@headway/core/spi';
import { openClient } from './connection.js';
import type { RedisConnection } from './connection.js';
import { RedisStoreError } from './errors.js';
import { KeyLayout } from './keys.js';
import { LuaScript } from './lua-script.js';
import { decodeRecord, parseRecord, patchFields, recordFields } from './record-codec.js';
import { COUNT_ACTIVE, CREATE, DELETE, LIST, SWEEP, UPDATE } from './scripts.js';
import { WriteBatch } from './write-batch.js';

export interface RedisTaskStoreOptions {
  /** Where Redis is. Default `redis://127.0.0.1:6379`. See `RedisConnection`. */
  connection?: RedisConnection;
  /** Namespaces every key (`{prefix}:…`); stores with the same prefix share their tasks. Default `headway`. */
  prefix?: string;
  /**
   * After every write, wait until this many replicas have it (Redis `WAIT`); a write they do not
   * confirm within `timeoutMs` fails with a `RedisStoreError` (it is on the primary and may still
   * reach them). Without it a write is acknowledged once the primary has it in memory: with
   * `appendonly yes` and `appendfsync always` it then survives a crash of Redis too.
   */
  replicas?: { count: number; timeoutMs: number };
}

const SCRIPTS = {
  create: new LuaScript('create', CREATE, -1),
  update: new LuaScript('update', UPDATE, -1),
  delete: new LuaScript('delete', DELETE, 1),
  sweep: new LuaScript('sweep', SWEEP, 0),
  list: new LuaScript('list', LIST, 0),
  countActive: new LuaScript('countActive', COUNT_ACTIVE, 0),
};

const SWEEP_BATCH = 500;

/** An operation's name for error messages; a function when naming it costs something (made only on failure). */
type Operation = string | (() => string);

type State = 'new' | 'open' | 'closed';

/** One record's part of a batched script call: its key and its arguments. */
interface BatchItem {
  key: string;
  args: (string | number)[];
}

/**
 * A `TaskStore` in Redis, shared by every process that uses the same Redis and prefix: any
 * replica reads, lists, waits on and cancels any task. Compare-and-set, index upkeep and expiry
 * run in Lua scripts (atomic); a terminal record is given a Redis expiry at its `expiresAt`, and
 * `sweep` removes what expired from the indexes. See `KeyLayout` for the keys.
 */
export class RedisTaskStore implements TaskStore {
  readonly durable = true;
  readonly shared = true;
  readonly keys: KeyLayout;
  /** Where Redis is, as error messages name it. */
  readonly endpoint: string;
  private readonly client: Redis;
  private readonly ownsClient: boolean;
  private readonly replicas: { count: number; timeoutMs: number } | undefined;
  private state: State = 'new';
  // Writes of one event-loop turn go out as one call each (group commit; see WriteBatch).
  private readonly seqs = new WriteBatch<null, number>(async (items) => {
    const last = await this.client.incrby(this.keys.seq, items.length);
    return items.map((_, i) => last - items.length + 1 + i);
  });
  private readonly creates = new WriteBatch<BatchItem, unknown>((items) =>
    this.runBatch(SCRIPTS.create, [this.keys.seq], items),
  );
  private readonly updates = new WriteBatch<BatchItem, unknown>((items) => this.runBatch(SCRIPTS.update, [], items));
  private opening: Promise<void> | undefined;
  /** The last connection error ioredis reported: commands that fail while offline say only "Connection is closed". */
  private lastConnectionError: string | undefined;
  private readonly onClientError = (error: Error) => {
    this.lastConnectionError = error.message;
  };
  private readonly onClientReady = () => {
    this.lastConnectionError = undefined;
  };

  constructor(options: RedisTaskStoreOptions = {}) {
    if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('options', options, 'an object');
    this.keys = new KeyLayout(options.prefix ?? 'headway');
    this.replicas = checkReplicas(options.replicas);
    const opened = openClient(options.connection);
    this.client = opened.client;
    this.ownsClient = opened.owned;
    this.endpoint = opened.endpoint;
    // Errors reach callers through the failed operation (without a listener ioredis prints each one).
    this.client.on('error', this.onClientError);
    this.client.on('ready', this.onClientReady);
  }

  /** Creates a store and opens it. */
  static async open(options?: RedisTaskStoreOptions): Promise<RedisTaskStore> {
    const store = new RedisTaskStore(options);
    await store.open();
    return store;
  }

  /** Connects (a client made here connects lazily) and checks Redis answers. Idempotent. */
  open(): Promise<void> {
    if (this.state === 'closed') return Promise.reject(this.failure('open', 'the store is closed'));
    return (this.opening ??= this.run('open', async () => {
      if (this.client.status === 'wait') await this.client.connect();
      await this.client.ping();
      this.state = 'open';
    }).catch((error: unknown) => {
      this.opening = undefined;
      throw error;
    }));
  }

  async nextSeq(): Promise<number> {
    return this.run('nextSeq', () => this.seqs.add(null));
  }

  async create(record: TaskRecord, options?: CreateOptions): Promise<void> {
    checkRecord(record);
    const maxActive = options?.maxActive;
    const fields = recordFields(record);
    const what = () => `create of task ${JSON.stringify(record.id)}`;
    return this.run(what, async () => {
      const created = (await this.creates.add({ key: this.keys.record(record.id), args: [
        record.id,
        JSON.stringify(record.seq),
        record.status,
        record.owner,
        record.kind,
        JSON.stringify(record.owner),
        fields.packed,
        maxActive === undefined ? '' : maxActive,
      ] })) as number;
      if (created < 0) throw activeLimitError(-1 - created, maxActive!);
      if (created === 0) throw new HeadwayError('duplicate_id', `Task ${record.id} already exists`);
      await this.replicated(what);
    });
  }

  async get(id: string, owner: OwnerScope): Promise<TaskRecord | undefined> {
    checkId(id);
    checkOwner(owner);
    return this.run(() => `get of task ${JSON.stringify(id)}`, async () => {
      const fields = await this.client.hgetall(this.keys.record(id));
      if (!fields.owner) return undefined;
      const record = decodeRecord(Object.entries(fields).flat());
      return owner === ANY_OWNER || record.owner === owner ? record : undefined;
    });
  }

  /**
   * Compare-and-set on status (`expect`) and on the attempt number
   * (`attempt`): a fencing token, so a worker that lost its job (lock expired, job re-run
   * elsewhere) cannot overwrite the newer attempt's record. (the core's contract).
   */
  async update(id: string, patch: TaskPatch, options?: UpdateOptions): Promise<UpdateResult> {
    checkId(id);
    const { set, unset } = patchFields(patch);
    const expect = options?.expect;
    if (expect !== undefined && (!Array.isArray(expect) || expect.some((s) => !TASK_STATUSES.includes(s)))) {
      throw new InvalidArgumentError('options.expect', expect, `an array of ${TASK_STATUSES.join(' | ')}`);
    }
    const attempt = options?.attempt;
    if (attempt !== undefined && (!Number.isSafeInteger(attempt) || attempt < 1)) {
      throw new InvalidArgumentError('options.attempt', attempt, 'a whole number of 1 or more');
    }
    const what = () => `update of task ${JSON.stringify(id)}`;
    return this.run(what, async () => {
      const reply = (await this.updates.add({ key: this.keys.record(id), args: [
        id,
        expect ? expect.join(',') : '-',
        attempt === undefined ? '' : JSON.stringify(attempt),
        patch.status ?? '',
        unset.count,
        unset.packed,
        set.count,
        set.packed,
      ] })) as [number, string] | null;
      if (reply === null) return { ok: false };
      const record = parseRecord(reply[1]);
      if (reply[0] !== 1) return { ok: false, record };
      await this.replicated(what);
      return { ok: true, record };
    });
  }

  async list(query: ListQuery): Promise<ListPage> {
    if (typeof query !== 'object' || query === null) throw new InvalidArgumentError('query', query, 'an object');
    checkOwner(query.owner);
    const limit = checkPageSize(query.limit);
    const after = query.cursor === undefined ? 0 : decodeCursor(query.cursor);
    const statuses = query.status ?? TASK_STATUSES;
    if (!Array.isArray(statuses) || statuses.some((s) => !TASK_STATUSES.includes(s))) {
      throw new InvalidArgumentError('query.status', query.status, `an array of ${TASK_STATUSES.join(' | ')}`);
    }
    if (query.kind !== undefined && typeof query.kind !== 'string') throw new InvalidArgumentError('query.kind', query.kind, 'a string');
    return this.run('list', async () => {
      if (statuses.length === 0) return { tasks: [] };
      const reply = (await SCRIPTS.list.run(this.client, [], [
        this.keys.base,
        query.owner === ANY_OWNER ? '' : 'o',
        query.owner === ANY_OWNER ? '' : query.owner,
        query.kind === undefined ? '' : 'k',
        query.kind ?? '',
        after,
        limit,
        ...new Set(statuses),
      ])) as [number, ...string[]];
      const tasks = reply.slice(1).map((text) => parseRecord(text as string));
      const last = tasks[tasks.length - 1];
      return reply[0] === 1 && last ? { tasks, nextCursor: encodeCursor(last.seq) } : { tasks };
    });
  }

  async countActive(owner: string): Promise<number> {
    if (typeof owner !== 'string') throw new InvalidArgumentError('owner', owner, 'a string');
    return this.run('countActive', async () =>
      Number(await SCRIPTS.countActive.run(this.client, [], [this.keys.base, owner])),
    );
  }

  /**
   * Removes terminal records whose `expiresAt` ≤ `now` from the indexes (Redis itself deletes
   * each record at its `expiresAt`; this deletes any not yet gone). Returns how many it handled.
   */
  async sweep(now: number): Promise<number> {
    if (typeof now !== 'number' || Number.isNaN(now)) throw new InvalidArgumentError('now', now, 'a time in epoch milliseconds');
    return this.run('sweep', async () => {
      let total = 0;
      for (;;) {
        const handled = Number(await SCRIPTS.sweep.run(this.client, [], [this.keys.base, now, SWEEP_BATCH]));
        total += handled;
        if (handled < SWEEP_BATCH) break;
      }
      if (total > 0) await this.replicated('sweep');
      return total;
    });
  }

  async delete(id: string): Promise<boolean> {
    checkId(id);
    const what = () => `delete of task ${JSON.stringify(id)}`;
    return this.run(what, async () => {
      const removed = (await SCRIPTS.delete.run(this.client, [this.keys.record(id)], [this.keys.base, id])) === 1;
      if (removed) await this.replicated(what);
      return removed;
    });
  }

  /** Closes the client if this store made it. Idempotent. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    // Writes batched in this turn go out before the client closes.
    await new Promise<void>((resolve) => process.nextTick(resolve));
    await this.opening?.catch(() => undefined);
    this.client.off('ready', this.onClientReady);
    if (!this.ownsClient) {
      this.client.off('error', this.onClientError);
      return;
    }
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }

  /** One script call for a batch: `keys` first, then each item's key; the key base, then each item's arguments. */
  private async runBatch(script: LuaScript, keys: readonly string[], items: readonly BatchItem[]): Promise<readonly unknown[]> {
    const args: (string | number)[] = [this.keys.base];
    for (const item of items) args.push(...item.args);
    return (await script.run(this.client, [...keys, ...items.map((item) => item.key)], args)) as unknown[];
  }

  private async replicated(what: Operation): Promise<void> {
    if (!this.replicas) return;
    const { count, timeoutMs } = this.replicas;
    const acknowledged = await this.client.wait(count, timeoutMs);
    if (acknowledged < count) {
      throw this.failure(what, `acknowledged by ${acknowledged} of ${count} replicas within ${timeoutMs} ms (it is on the primary and may still reach them)`);
    }
  }

  /** Runs one operation; any failure that is not the caller's becomes a RedisStoreError naming it. */
  private async run<T>(operation: Operation, fn: () => Promise<T>): Promise<T> {
    if (this.state === 'closed') throw this.failure(operation, 'the store is closed');
    if (this.state === 'new' && operation !== 'open') throw this.failure(operation, 'the store is not open yet (call open() first)');
    try {
      return await fn();
    } catch (error) {
      if (error instanceof HeadwayError) throw error;
      let detail = error instanceof Error ? error.message : String(error);
      const last = this.lastConnectionError;
      if (last !== undefined && !detail.includes(last)) detail += ` (last connection error: ${last})`;
      throw this.failure(operation, detail, error);
    }
  }

  private failure(operation: Operation, detail: string, cause?: unknown): RedisStoreError {
    const name = typeof operation === 'function' ? operation() : operation;
    return new RedisStoreError(`${this.endpoint} (prefix ${this.keys.base})`, name, detail, cause === undefined ? undefined : { cause });
  }
}

function checkReplicas(replicas: RedisTaskStoreOptions['replicas']): { count: number; timeoutMs: number } | undefined {
  if (replicas === undefined) return undefined;
  if (
    typeof replicas !== 'object' || replicas === null ||
    !Number.isSafeInteger(replicas.count) || replicas.count < 1 ||
    !Number.isSafeInteger(replicas.timeoutMs) || replicas.timeoutMs < 1
  ) {
    throw new InvalidArgumentError('replicas', replicas, '{ count, timeoutMs }: whole numbers of 1 or more');
  }
  return { count: replicas.count, timeoutMs: replicas.timeoutMs };
}

function checkId(id: unknown): asserts id is string {
  if (typeof id !== 'string' || id.length === 0) throw new InvalidArgumentError('id', id, 'a non-empty task id string');
}

function checkOwner(owner: unknown): void {
  if (owner !== ANY_OWNER && typeof owner !== 'string') throw new InvalidArgumentError('owner', owner, 'an owner string or ANY_OWNER');
}

function checkRecord(record: TaskRecord): void {
  if (typeof record !== 'object' || record === null) throw new InvalidArgumentError('record', record, 'a task record object');
  checkId(record.id);
  if (typeof record.owner !== 'string') throw new InvalidArgumentError('record.owner', record.owner, 'a string');
  if (typeof record.kind !== 'string') throw new InvalidArgumentError('record.kind', record.kind, 'a string');
  if (!Number.isSafeInteger(record.seq) || record.seq < 1) throw new InvalidArgumentError('record.seq', record.seq, 'a whole number of 1 or more');
  if (!TASK_STATUSES.includes(record.status)) throw new InvalidArgumentError('record.status', record.status, TASK_STATUSES.join(' | '));
}
