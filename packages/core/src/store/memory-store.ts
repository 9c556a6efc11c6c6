import { HeadwayError } from '../errors.js';
import { isTerminal } from '../task-record.js';
import type { TaskPatch, TaskRecord, TaskStatus } from '../task-record.js';
import { checkPageSize, decodeCursor, encodeCursor } from './cursor.js';
import { ANY_OWNER } from './task-store.js';
import type { ListPage, ListQuery, OwnerScope, TaskStore, UpdateOptions, UpdateResult } from './task-store.js';

/** A list of records in creation order; deletions are lazy and compacted in bulk. */
class SeqIndex {
  private items: TaskRecord[] = [];
  private dead = 0;

  push(record: TaskRecord): void {
    this.items.push(record);
  }

  markDeleted(): void {
    this.dead++;
  }

  /** Records after `afterSeq`, in order, that are still in `live`. */
  *after(afterSeq: number, live: Map<string, TaskRecord>): Generator<TaskRecord> {
    if (this.dead > 64 && this.dead * 2 > this.items.length) this.compact(live);
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.items[mid]!.seq <= afterSeq) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.items.length; i++) {
      const record = this.items[i]!;
      if (live.get(record.id) === record) yield record;
    }
  }

  private compact(live: Map<string, TaskRecord>): void {
    this.items = this.items.filter((r) => live.get(r.id) === r);
    this.dead = 0;
  }
}

/** The default store: everything in memory, nothing survives a restart. */
export class MemoryTaskStore implements TaskStore {
  readonly durable = false;
  private readonly records = new Map<string, TaskRecord>();
  private readonly all = new SeqIndex();
  private readonly byOwner = new Map<string, SeqIndex>();
  private readonly active = new Map<string, number>();
  private seq = 0;

  nextSeq(): number {
    return ++this.seq;
  }

  create(record: TaskRecord): void {
    this.insert(record);
  }

  /** Synchronous create, for stores that wrap this one (e.g. an in-memory index of a log). */
  insert(record: TaskRecord): void {
    if (this.records.has(record.id)) throw new HeadwayError('duplicate_id', `Task ${record.id} already exists`);
    const stored = { ...record };
    this.records.set(stored.id, stored);
    this.all.push(stored);
    let ownerIndex = this.byOwner.get(stored.owner);
    if (!ownerIndex) this.byOwner.set(stored.owner, (ownerIndex = new SeqIndex()));
    ownerIndex.push(stored);
    if (!isTerminal(stored.status)) this.bumpActive(stored.owner, 1);
    if (stored.seq > this.seq) this.seq = stored.seq;
  }

  async get(id: string, owner: OwnerScope): Promise<TaskRecord | undefined> {
    const record = this.peek(id, owner);
    return record && { ...record };
  }

  /** The stored record itself, not a copy; for wrappers that promise not to mutate it. */
  peek(id: string, owner: OwnerScope): TaskRecord | undefined {
    const record = this.records.get(id);
    if (!record || (owner !== ANY_OWNER && record.owner !== owner)) return undefined;
    return record;
  }

  async update(id: string, patch: TaskPatch, options?: UpdateOptions): Promise<UpdateResult> {
    return this.apply(id, patch, options?.expect, options?.attempt);
  }

  /** Synchronous compare-and-set; see `TaskStore.update`. */
  apply(id: string, patch: TaskPatch, expect?: readonly TaskStatus[], attempt?: number): UpdateResult {
    const record = this.records.get(id);
    if (!record) return { ok: false };
    if (isTerminal(record.status) || (expect && !expect.includes(record.status)) || (attempt !== undefined && record.attempt !== attempt)) {
      return { ok: false, record: { ...record } };
    }
    const wasActive = !isTerminal(record.status);
    Object.assign(record, patch);
    if (wasActive && isTerminal(record.status)) this.bumpActive(record.owner, -1);
    return { ok: true, record };
  }

  async list(query: ListQuery): Promise<ListPage> {
    const limit = checkPageSize(query.limit);
    const afterSeq = query.cursor === undefined ? 0 : decodeCursor(query.cursor);
    const index = query.owner === ANY_OWNER ? this.all : this.byOwner.get(query.owner);
    const tasks: TaskRecord[] = [];
    if (!index) return { tasks };
    for (const record of index.after(afterSeq, this.records)) {
      if (query.status && !query.status.includes(record.status)) continue;
      if (query.kind !== undefined && record.kind !== query.kind) continue;
      if (tasks.length === limit) return { tasks, nextCursor: encodeCursor(tasks[tasks.length - 1]!.seq) };
      tasks.push({ ...record });
    }
    return { tasks };
  }

  countActive(owner: string): number {
    return this.active.get(owner) ?? 0;
  }

  async sweep(now: number): Promise<number> {
    let removed = 0;
    for (const record of this.records.values()) {
      if (record.expiresAt !== undefined && record.expiresAt <= now && isTerminal(record.status)) {
        this.remove(record);
        removed++;
      }
    }
    return removed;
  }

  async delete(id: string): Promise<boolean> {
    const record = this.records.get(id);
    if (!record) return false;
    this.remove(record);
    return true;
  }

  get size(): number {
    return this.records.size;
  }

  private remove(record: TaskRecord): void {
    this.records.delete(record.id);
    this.all.markDeleted();
    this.byOwner.get(record.owner)?.markDeleted();
    if (!isTerminal(record.status)) this.bumpActive(record.owner, -1);
  }

  private bumpActive(owner: string, delta: number): void {
    const next = (this.active.get(owner) ?? 0) + delta;
    if (next === 0) this.active.delete(owner);
    else this.active.set(owner, next);
  }
}
