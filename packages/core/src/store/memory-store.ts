import { HeadwayError } from '../errors.js';
import { IdMap } from '../id-map.js';
import { isTerminal } from '../task-record.js';
import type { TaskPatch, TaskRecord, TaskStatus } from '../task-record.js';
import { checkPageSize, decodeCursor, encodeCursor } from './cursor.js';
import { ExpiryQueue } from './expiry-queue.js';
import { pack, PackedRecord } from './packed-record.js';
import type { IndexedRecord } from './packed-record.js';
import { SeqSet } from './seq-set.js';
import { activeLimitError, ANY_OWNER } from './task-store.js';
import type { CreateOptions, ListPage, ListQuery, OwnerScope, TaskStore, UpdateOptions, UpdateResult } from './task-store.js';

/** Expired records removed per slice of a sweep. */
const SWEEP_SLICE = 500;

type Entry = TaskRecord | PackedRecord;

/** Records in seq order, merged from several sets (each in seq order). */
function* merged(sets: readonly SeqSet<Entry>[], afterSeq: number): Generator<Entry> {
  if (sets.length === 1) {
    yield* sets[0]!.after(afterSeq);
    return;
  }
  const iterators = sets.map((s) => s.after(afterSeq));
  const heads = iterators.map((it) => it.next());
  for (;;) {
    let best = -1;
    for (let i = 0; i < heads.length; i++) {
      const head = heads[i]!;
      if (!head.done && (best < 0 || head.value.seq < (heads[best]!.value as Entry).seq)) best = i;
    }
    if (best < 0) return;
    yield heads[best]!.value as Entry;
    heads[best] = iterators[best]!.next();
  }
}

/**
 * The default store: everything in memory, nothing survives a restart. Indexed by owner, status
 * and kind (each in seq order), and finished records by expiry, so a filtered list walks the
 * smallest index that can hold its matches, and a sweep costs only the records it removes.
 */
export class MemoryTaskStore implements TaskStore {
  readonly durable = false;
  private readonly records = new IdMap<Entry>();
  private readonly all = new SeqSet<Entry>();
  private readonly byOwner = new Map<string, SeqSet<Entry>>();
  private readonly byStatus = new Map<TaskStatus, SeqSet<Entry>>();
  private readonly byKind = new Map<string, SeqSet<Entry>>();
  private readonly expiry = new ExpiryQueue<Entry>();
  private readonly active = new Map<string, number>();
  private readonly packFinished: boolean;
  private seq = 0;

  /**
   * With `packFinished`, a record that finishes is kept as its JSON text (see `PackedRecord`): far
   * fewer objects for the garbage collector to walk in a large store, at the price of a decode per
   * read, and of what JSON cannot hold (undefined, Dates, class instances) in finished records.
   */
  constructor(options?: { readonly packFinished?: boolean }) {
    this.packFinished = options?.packFinished === true;
  }

  nextSeq(): number {
    return ++this.seq;
  }

  create(record: TaskRecord, options?: CreateOptions): void {
    this.checkCap(record, options?.maxActive);
    this.insert(record);
  }

  /**
   * Throws the cap's `TaskLimitError` when creating `record` would pass `maxActive` (see
   * `CreateOptions`); for stores that wrap this one, before they write.
   */
  checkCap(record: TaskRecord, maxActive: number | undefined): void {
    if (maxActive === undefined || isTerminal(record.status) || this.records.has(record.id)) return;
    const active = this.active.get(record.owner) ?? 0;
    if (active >= maxActive) throw activeLimitError(active, maxActive);
  }

  /** Synchronous create, for stores that wrap this one (e.g. an in-memory index of a log). */
  insert(record: TaskRecord): void {
    this.adopt(ownCopy(record));
  }

  /**
   * Like `insert`, but keeps this very object: the caller hands it over (e.g. a record just parsed
   * while loading a file) and must not touch it again, which saves a copy per record. With
   * `replace`, a record with the same id is replaced instead of refused (replaying a log).
   */
  adopt(stored: TaskRecord, replace = false): void {
    this.place(this.packFinished && isTerminal(stored.status) ? pack(stored) : stored, replace);
  }

  /** Like `adopt`, for a finished record already packed (e.g. read packed from a file). */
  adoptPacked(packed: PackedRecord, replace = false): void {
    // Only finished records stay packed: a live one changes, so it is kept as an object.
    if (isTerminal(packed.status) && this.packFinished) {
      this.place(packed, replace);
      return;
    }
    packed.release();
    this.place(packed.decode(), replace);
  }

  private place(stored: Entry, replace: boolean): void {
    const existing = this.records.get(stored.id);
    if (existing) {
      if (!replace) throw new HeadwayError('duplicate_id', `Task ${stored.id} already exists`);
      this.remove(existing);
    }
    this.records.set(stored.id, stored);
    this.all.add(stored);
    indexed(this.byOwner, stored.owner).add(stored);
    indexed(this.byStatus, stored.status).add(stored);
    indexed(this.byKind, stored.kind).add(stored);
    if (isTerminal(stored.status)) this.expiring(stored);
    else this.bumpActive(stored.owner, 1);
    if (stored.seq > this.seq) this.seq = stored.seq;
  }

  async get(id: string, owner: OwnerScope): Promise<TaskRecord | undefined> {
    const record = this.records.get(id);
    if (!record || (owner !== ANY_OWNER && record.owner !== owner)) return undefined;
    return copyOf(record);
  }

  /**
   * The stored record itself, not a copy, for wrappers that promise not to mutate it; a packed
   * record is decoded (a new object each time).
   */
  peek(id: string, owner: OwnerScope): TaskRecord | undefined {
    const record = this.records.get(id);
    if (!record || (owner !== ANY_OWNER && record.owner !== owner)) return undefined;
    return record instanceof PackedRecord ? record.decode() : record;
  }

  has(id: string): boolean {
    return this.records.has(id);
  }

  async update(id: string, patch: TaskPatch, options?: UpdateOptions): Promise<UpdateResult> {
    return this.apply(id, patch, options?.expect, options?.attempt);
  }

  /** Synchronous compare-and-set; see `TaskStore.update`. */
  apply(id: string, patch: TaskPatch, expect?: readonly TaskStatus[], attempt?: number): UpdateResult {
    const record = this.records.get(id);
    if (!record) return { ok: false };
    if (record instanceof PackedRecord || isTerminal(record.status) || (expect && !expect.includes(record.status)) || (attempt !== undefined && record.attempt !== attempt)) {
      return { ok: false, record: copyOf(record) };
    }
    if (this.packFinished && patch.status !== undefined && isTerminal(patch.status)) return { ok: true, record: this.finishPacked(record, patch) };
    const before = record.status;
    Object.assign(record, patch);
    this.restatus(record, before);
    return { ok: true, record };
  }

  /**
   * Applies `patch` (which finishes the record) to a copy, and puts that copy, packed, in the
   * record's place. The stored record is left as it is: it is old by then, and whatever a patch
   * hangs on an old object (new values, a bigger property store) would outlive it until the next
   * full collection, copied twice by the young generation's collector meanwhile.
   */
  private finishPacked(record: TaskRecord, patch: TaskPatch): TaskRecord {
    const finished = Object.assign(ownCopy(record), patch);
    const packed = pack(finished);
    this.swap(record, packed);
    this.bumpActive(record.owner, -1);
    this.expiring(packed);
    return finished;
  }

  /**
   * Applies a patch whatever the record's status, then removes the `unset` keys: for replaying a
   * log into this store. False when there is no such record.
   */
  restore(id: string, patch: Readonly<Record<string, unknown>>, unset: readonly string[] = []): boolean {
    const entry = this.records.get(id);
    if (!entry) return false;
    let record: TaskRecord;
    if (entry instanceof PackedRecord) {
      record = entry.decode();
      this.swap(entry, record);
    } else {
      record = entry;
    }
    const before = record.status;
    Object.assign(record, patch);
    for (const key of unset) delete (record as unknown as Record<string, unknown>)[key];
    this.restatus(record, before);
    // Was packed and is still finished: pack it again (`restatus` packs only what just finished).
    if (entry !== record && isTerminal(record.status)) this.finished(record);
    return true;
  }

  async list(query: ListQuery): Promise<ListPage> {
    const limit = checkPageSize(query.limit);
    const afterSeq = query.cursor === undefined ? 0 : decodeCursor(query.cursor);
    const owner = query.owner;
    const statuses = query.status;
    const kind = query.kind;
    const tasks: TaskRecord[] = [];
    // Walk the smallest index that holds every match; the other filters are checked per record.
    const base = owner === ANY_OWNER ? this.all : this.byOwner.get(owner);
    if (!base) return { tasks };
    let source: SeqSet<Entry>[] = [base];
    let size = base.size;
    if (kind !== undefined) {
      const byKind = this.byKind.get(kind);
      if (!byKind) return { tasks };
      if (byKind.size < size) [source, size] = [[byKind], byKind.size];
    }
    if (statuses) {
      const sets: SeqSet<Entry>[] = [];
      let total = 0;
      for (const status of new Set(statuses)) {
        const set = this.byStatus.get(status);
        if (set) {
          sets.push(set);
          total += set.size;
        }
      }
      if (total === 0) return { tasks };
      if (total < size) source = sets;
    }
    for (const record of merged(source, afterSeq)) {
      if (owner !== ANY_OWNER && record.owner !== owner) continue;
      if (statuses && !statuses.includes(record.status)) continue;
      if (kind !== undefined && record.kind !== kind) continue;
      if (tasks.length === limit) return { tasks, nextCursor: encodeCursor(tasks[tasks.length - 1]!.seq) };
      tasks.push(copyOf(record));
    }
    return { tasks };
  }

  countActive(owner: string): number {
    return this.active.get(owner) ?? 0;
  }

  /** Removes expired finished records a slice at a time, letting the event loop run between slices. */
  async sweep(now: number): Promise<number> {
    let removed = 0;
    for (;;) {
      const due = this.takeDue(now, SWEEP_SLICE);
      for (const record of due) {
        if (!isTerminal(record.status)) continue;
        this.remove(record);
        removed++;
      }
      if (due.length < SWEEP_SLICE) return removed;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /**
   * Up to `max` finished records whose `expiresAt` ≤ `now`, earliest first, taken off the expiry
   * index (for wrappers that delete them in their own way). Costs the records returned.
   */
  takeExpired(now: number, max: number): IndexedRecord[] {
    return this.takeDue(now, max);
  }

  private takeDue(now: number, max: number): Entry[] {
    const due: Entry[] = [];
    while (due.length < max) {
      const entry = this.expiry.popDue(now);
      if (!entry) break;
      const { record, expiresAt } = entry;
      // Skip entries of records deleted (or replaced) since.
      if (this.records.get(record.id) === record && record.expiresAt === expiresAt) due.push(record);
    }
    return due;
  }

  /**
   * Every stored record itself (read-only; finished ones may be packed: see `recordJson`), in seq
   * order. A live walk that may be paused while the store changes: records added after the
   * walk's place are visited, records deleted before they are reached are not, none twice.
   */
  scan(): IterableIterator<IndexedRecord> {
    return this.all.walk();
  }

  delete(id: string): boolean {
    const record = this.records.get(id);
    if (!record) return false;
    this.remove(record);
    return true;
  }

  get size(): number {
    return this.records.size;
  }

  /** Keeps the status index, the active counts and the expiry index right after a status change. */
  private restatus(record: TaskRecord, before: TaskStatus): void {
    if (record.status === before) return;
    unindex(this.byStatus, before, record);
    indexed(this.byStatus, record.status).add(record);
    const was = isTerminal(before);
    const now = isTerminal(record.status);
    if (was && !now) this.bumpActive(record.owner, 1);
    if (!was && now) {
      this.bumpActive(record.owner, -1);
      this.finished(record);
    }
  }

  /** A record just finished: packed (when the store packs) and put in the expiry index. */
  private finished(record: TaskRecord): void {
    if (!this.packFinished) {
      this.expiring(record);
      return;
    }
    const packed = pack(record);
    this.swap(record, packed);
    this.expiring(packed);
  }

  /** Puts `next` (the same record, its status maybe changed) in `record`'s place in the map and every index. */
  private swap(record: Entry, next: Entry): void {
    if (record instanceof PackedRecord) record.release();
    this.records.set(next.id, next);
    this.all.replace(record, next);
    this.byOwner.get(record.owner)?.replace(record, next);
    if (next.status === record.status) this.byStatus.get(record.status)?.replace(record, next);
    else {
      unindex(this.byStatus, record.status, record);
      indexed(this.byStatus, next.status).add(next);
    }
    this.byKind.get(record.kind)?.replace(record, next);
  }

  private expiring(record: Entry): void {
    if (typeof record.expiresAt === 'number') this.expiry.push(record, record.expiresAt);
  }

  private remove(record: Entry): void {
    if (record instanceof PackedRecord) record.release();
    this.records.delete(record.id);
    this.all.delete(record);
    unindex(this.byOwner, record.owner, record);
    unindex(this.byStatus, record.status, record);
    unindex(this.byKind, record.kind, record);
    if (!isTerminal(record.status)) this.bumpActive(record.owner, -1);
  }

  private bumpActive(owner: string, delta: number): void {
    const next = (this.active.get(owner) ?? 0) + delta;
    if (next === 0) this.active.delete(owner);
    else this.active.set(owner, next);
  }
}

/**
 * A copy to keep and change in place. Not `{ ...record }`: on Node 20 (V8 11.3) a spread copy's
 * hidden class sits outside V8's transition tree, so the first property an update adds (startedAt,
 * result…) gives that one record a hidden class of its own, about 470 bytes more per record and a
 * young generation full of survivors (scavenges of 20 ms at a million records). A copy built key by
 * key shares its hidden classes with every other record. Node 22 and later do not need this.
 */
function ownCopy(record: TaskRecord): TaskRecord {
  const copy: Record<string, unknown> = {};
  for (const key in record) copy[key] = (record as unknown as Record<string, unknown>)[key];
  return copy as unknown as TaskRecord;
}

function copyOf(record: Entry): TaskRecord {
  return record instanceof PackedRecord ? record.decode() : { ...record };
}

function indexed<K>(map: Map<K, SeqSet<Entry>>, key: K): SeqSet<Entry> {
  let set = map.get(key);
  if (!set) map.set(key, (set = new SeqSet()));
  return set;
}

function unindex<K>(map: Map<K, SeqSet<Entry>>, key: K, record: Entry): void {
  const set = map.get(key);
  if (set?.delete(record) && set.size === 0) map.delete(key);
}
