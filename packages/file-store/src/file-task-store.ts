import { mkdir, open, readdir, rename, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ANY_OWNER, InvalidArgumentError, TASK_STATUSES, isTerminal } from '@headway/core';
import type { OwnerScope, TaskStatus } from '@headway/core';
import { MemoryTaskStore } from '@headway/core/spi';
import type { CreateOptions, ListPage, ListQuery, TaskPatch, TaskRecord, TaskStore, UpdateResult } from '@headway/core/spi';
import { StoreUnavailableError } from './errors.js';
import { checkPayloadSize, encodeFrames } from './framing.js';
import { fsyncDir } from './fs-util.js';
import { logGen, logPath, LOCK_FILE, SNAPSHOT_FILE, SNAPSHOT_TEMP } from './layout.js';
import { DirectoryLock } from './lock.js';
import { createOp, deleteOp, sealOp, seqOp, updateOp } from './log-ops.js';
import { LogWriter } from './log-writer.js';
import { appendFlags, durableWrites, resolveOptions } from './options.js';
import type { CompactionStep, FileTaskStoreOptions, ResolvedFileTaskStoreOptions } from './options.js';
import { createLog, recover } from './recovery.js';
import { writeSnapshot } from './snapshot.js';

type State = 'new' | 'opening' | 'open' | 'closing' | 'closed';

/**
 * A durable `TaskStore` in one directory: an append-only log with group commit, compacted now and
 * then into a snapshot, and an in-memory index (a `MemoryTaskStore`) rebuilt from them on open.
 */
export class FileTaskStore implements TaskStore {
  readonly durable = true;
  readonly directory: string;
  private readonly options: ResolvedFileTaskStoreOptions;
  private state: State = 'new';
  private opening: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  /** Finished records are kept packed (one string each): see `PackedRecord`. */
  private index = new MemoryTaskStore({ packFinished: true });
  private writer: LogWriter | undefined;
  private lock: DirectoryLock | undefined;
  private seq = 0;
  /** The highest seq the log (or snapshot) records; `close()` records the rest. */
  private loggedSeq = 0;
  private gen = 1;
  private snapshotBytes = 0;
  private compacting: Promise<void> | undefined;

  constructor(directory: string, options?: FileTaskStoreOptions) {
    if (typeof directory !== 'string' || directory.length === 0) {
      throw new InvalidArgumentError('directory', directory, 'a non-empty directory path');
    }
    this.directory = resolve(directory);
    this.options = resolveOptions(options);
  }

  /** Creates a store and opens it. */
  static async open(directory: string, options?: FileTaskStoreOptions): Promise<FileTaskStore> {
    const store = new FileTaskStore(directory, options);
    await store.open();
    return store;
  }

  /** Takes the directory lock and loads the records. Idempotent; the manager calls it on start. */
  open(): Promise<void> {
    if (this.state === 'closing' || this.state === 'closed') {
      return Promise.reject(new StoreUnavailableError(`FileTaskStore for ${this.directory} is closed`));
    }
    return (this.opening ??= this.load());
  }

  private async load(): Promise<void> {
    this.state = 'opening';
    try {
      await mkdir(this.directory, { recursive: true });
      this.lock = await DirectoryLock.acquire(this.directory, LOCK_FILE);
      const recovered = await recover(this.directory, this.options.onWarning, appendFlags(this.options));
      this.index = recovered.index;
      this.seq = recovered.seq;
      this.loggedSeq = recovered.seq;
      this.gen = recovered.gen;
      this.snapshotBytes = recovered.snapshotBytes;
      this.writer = new LogWriter(recovered.handle, recovered.size, this.options.durability, encodeFrames, durableWrites(this.options));
      this.state = 'open';
    } catch (error) {
      await this.lock?.release();
      this.lock = undefined;
      this.state = 'new';
      this.opening = undefined;
      throw error;
    }
  }

  get size(): number {
    return this.index.size;
  }

  nextSeq(): number {
    this.ready();
    return ++this.seq;
  }

  async create(record: TaskRecord, options?: CreateOptions): Promise<void> {
    const writer = this.ready();
    checkRecord(record);
    if (this.index.has(record.id)) throw new InvalidArgumentError('record.id', record.id, 'an id not in the store yet');
    // Checked and indexed in one synchronous step: creates at the same time cannot pass the cap together.
    this.index.checkCap(record, options?.maxActive);
    const json = serialise('record', record);
    const stored = JSON.parse(json) as TaskRecord;
    const op = createOp(json);
    checkPayloadSize(op);
    this.index.adopt(stored);
    if (stored.seq > this.seq) this.seq = stored.seq;
    if (stored.seq > this.loggedSeq) this.loggedSeq = stored.seq;
    await this.append(writer, op);
  }

  async get(id: string, owner: OwnerScope): Promise<TaskRecord | undefined> {
    this.ready();
    checkId(id);
    checkOwner(owner);
    const record = this.index.peek(id, owner);
    return record && copyRecord(record);
  }

  async update(id: string, patch: TaskPatch, options?: { expect?: readonly TaskStatus[]; attempt?: number }): Promise<UpdateResult> {
    const writer = this.ready();
    checkId(id);
    if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) throw new InvalidArgumentError('patch', patch, 'an object');
    if (patch.status !== undefined && !TASK_STATUSES.includes(patch.status)) {
      throw new InvalidArgumentError('patch.status', patch.status, TASK_STATUSES.join(' | '));
    }
    const expect = options?.expect;
    if (expect !== undefined && (!Array.isArray(expect) || expect.some((s) => !TASK_STATUSES.includes(s)))) {
      throw new InvalidArgumentError('options.expect', expect, `an array of ${TASK_STATUSES.join(' | ')}`);
    }
    const patchJson = serialise('patch', patch);
    const op = updateOp(id, patchJson, []);
    checkPayloadSize(op);
    const clean = JSON.parse(patchJson) as Record<string, unknown>;
    const unset: string[] = [];
    for (const key in patch) {
      if ((patch as Record<string, unknown>)[key] === undefined) {
        unset.push(key);
        clean[key] = undefined;
      }
    }
    const result = this.index.apply(id, clean as TaskPatch, expect, options?.attempt);
    if (!result.ok) return result;
    await this.append(writer, unset.length > 0 ? updateOp(id, patchJson, unset) : op);
    // A shallow copy, as from MemoryTaskStore: this result feeds the manager's hot path. get/list copy deeply.
    return result;
  }

  async list(query: ListQuery): Promise<ListPage> {
    this.ready();
    if (typeof query !== 'object' || query === null) throw new InvalidArgumentError('query', query, 'an object');
    checkOwner(query.owner);
    const page = await this.index.list(query);
    for (const record of page.tasks) deepen(record);
    return page;
  }

  async countActive(owner: string): Promise<number> {
    this.ready();
    if (typeof owner !== 'string') throw new InvalidArgumentError('owner', owner, 'a string');
    return this.index.countActive(owner);
  }

  /**
   * Removes expired finished records. Costs nothing when none expired (the index keeps them by
   * expiry); many are removed a slice at a time, each slice's deletions written before the next.
   */
  async sweep(now: number): Promise<number> {
    this.ready();
    if (typeof now !== 'number' || Number.isNaN(now)) throw new InvalidArgumentError('now', now, 'a time in epoch milliseconds');
    let removed = 0;
    for (;;) {
      const due = this.index.takeExpired(now, SWEEP_SLICE);
      if (due.length === 0) return removed;
      const writes: Promise<boolean>[] = [];
      for (const record of due) if (isTerminal(record.status)) writes.push(this.delete(record.id));
      for (const deleted of await Promise.all(writes)) if (deleted) removed++;
      if (due.length < SWEEP_SLICE) return removed;
    }
  }

  async delete(id: string): Promise<boolean> {
    const writer = this.ready();
    checkId(id);
    if (!(await this.index.delete(id))) return false;
    this.loggedSeq = this.seq;
    await this.append(writer, deleteOp(id, this.seq));
    return true;
  }

  /**
   * Folds the log into a new snapshot. Crash-safe at every step: rotate to a new log, write the
   * snapshot to a temp file, sync it, rename it into place, sync the directory, delete old logs.
   */
  compact(): Promise<void> {
    this.ready();
    return (this.compacting ??= this.runCompaction().finally(() => {
      this.compacting = undefined;
    }));
  }

  async close(): Promise<void> {
    if (this.state === 'new' || this.state === 'closed') {
      this.state = 'closed';
      return;
    }
    return (this.closing ??= this.shutdown());
  }

  private async shutdown(): Promise<void> {
    await this.opening?.catch(() => undefined);
    this.state = 'closing';
    await this.compacting?.catch(() => undefined);
    try {
      // Seqs handed out without a record: recorded so nextSeq stays monotonic across a reopen.
      if (this.writer && this.writer.failure === undefined && this.seq > this.loggedSeq) {
        await this.writer.append(seqOp(this.seq)).catch(() => undefined);
      }
      await this.writer?.close();
    } finally {
      await this.lock?.release();
      this.lock = undefined;
      this.writer = undefined;
      // A closed store answers nothing: let its records go even while the object is still referenced.
      this.index = new MemoryTaskStore({ packFinished: true });
      this.state = 'closed';
    }
  }

  private ready(): LogWriter {
    if (this.state !== 'open' || !this.writer) {
      const why = this.state === 'closed' || this.state === 'closing' ? 'is closed' : 'is not open yet (call open() first)';
      throw new StoreUnavailableError(`FileTaskStore for ${this.directory} ${why}`);
    }
    if (this.writer.failure !== undefined) {
      throw new StoreUnavailableError(`FileTaskStore for ${this.directory} stopped after a failed write; reopen it`, { cause: this.writer.failure });
    }
    return this.writer;
  }

  private async append(writer: LogWriter, op: string): Promise<void> {
    try {
      await writer.append(op);
    } catch (error) {
      throw new StoreUnavailableError(`FileTaskStore for ${this.directory} could not write its log; reopen it`, { cause: error });
    }
    if (!this.compacting && this.state === 'open' && writer.bytes > Math.max(this.options.compactAfterBytes, this.snapshotBytes)) {
      this.compact().catch((error: unknown) => this.options.onWarning(`Compaction of ${this.directory} failed (nothing lost; retried later): ${String(error)}`));
    }
  }

  private async step(name: CompactionStep): Promise<void> {
    await this.options.onCompactionStep?.(name);
  }

  private async runCompaction(): Promise<void> {
    const writer = this.ready();
    const dir = this.directory;
    const nextGen = this.gen + 1;
    // Every write queued before the rotation goes to the old logs (synced before the switch), every
    // later one to the new log. The snapshot is then written from the live index a slice at a time:
    // it holds at least every write of the old logs (each record is read after the rotation), and
    // maybe some later ones, which replaying the new log on top of it reapplies harmlessly
    // (replay is idempotent). So the walk needs no copy and no pause.
    const seqAtSwitch = this.seq;
    await writer.rotate(
      () => createLog(dir, nextGen, appendFlags(this.options)),
      () => {
        this.gen = nextGen;
      },
      sealOp(nextGen),
    );
    await this.step('rotated');
    const temp = join(dir, SNAPSHOT_TEMP);
    const handle = await open(temp, 'w');
    let bytes: number;
    try {
      bytes = await writeSnapshot(handle, { gen: nextGen, seq: seqAtSwitch }, this.index.scan());
      await this.step('snapshot-written');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await this.step('snapshot-synced');
    await rename(temp, join(dir, SNAPSHOT_FILE));
    await this.step('snapshot-renamed');
    await fsyncDir(dir);
    this.snapshotBytes = bytes;
    await this.step('directory-synced');
    for (const name of await readdir(dir)) {
      const gen = logGen(name);
      if (gen !== undefined && gen < nextGen) await unlink(logPath(dir, gen));
    }
    await this.step('old-logs-removed');
  }
}

/** Expired records removed per slice of a sweep. */
const SWEEP_SLICE = 1000;

const NESTED = ['input', 'result', 'checkpoint', 'metadata', 'error', 'dependsOn'] as const;

/** Copies nested values too, so a caller mutating what it got cannot change the store (or drift from disk). */
function deepen(shallow: TaskRecord): TaskRecord {
  const target = shallow as unknown as Record<string, unknown>;
  for (const key of NESTED) {
    const value = target[key];
    if (typeof value === 'object' && value !== null) target[key] = cloneJson(value);
  }
  return shallow;
}

/** Deep copy of a value that came out of JSON.parse (plain objects, arrays, primitives). */
function cloneJson(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(cloneJson);
  const out: Record<string, unknown> = {};
  for (const key in value) out[key] = cloneJson((value as Record<string, unknown>)[key]);
  return out;
}

function copyRecord(record: TaskRecord): TaskRecord {
  return deepen({ ...record });
}

function serialise(argument: string, value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (error) {
    throw new InvalidArgumentError(argument, value, `JSON-serialisable data (${(error as Error).message})`);
  }
}

function checkId(id: unknown): void {
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
