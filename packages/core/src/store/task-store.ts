import type { TaskPatch, TaskRecord, TaskStatus } from '../task-record.js';

/** Pass as `owner` for trusted, server-side reads across every owner (dashboards, recovery). */
export const ANY_OWNER: unique symbol = Symbol.for('headway.anyOwner');
export type OwnerScope = string | typeof ANY_OWNER;

export interface ListQuery {
  owner: OwnerScope;
  status?: readonly TaskStatus[];
  kind?: string;
  /** Opaque cursor from a previous page's `nextCursor`. */
  cursor?: string;
  /** Page size, 1–1000; default 100. */
  limit?: number;
}

export interface ListPage {
  tasks: TaskRecord[];
  nextCursor?: string;
}

export type UpdateResult =
  | { readonly ok: true; readonly record: TaskRecord }
  /** `record` is the current state when the compare failed, absent when there is no such task. */
  | { readonly ok: false; readonly record?: TaskRecord };

/**
 * Where task records live. Implementations: `MemoryTaskStore` (core), `FileTaskStore`
 * (@headway/file-store), Redis (@headway/bullmq).
 *
 * Contract:
 * - `create` resolves only once the record is as durable as the store promises.
 * - Records returned are copies of the record itself; nested values (input, metadata, result,
 *   checkpoint) may be shared with the store and must be treated as read-only (deep copies on
 *   every write would cost the memory store most of its throughput).
 * - `update` may return the stored record itself (the memory store does, to save a copy per
 *   transition): treat it as read-only.
 * - `update` with `expect` is a compare-and-set on status; terminal statuses are final
 *   (an update of a terminal record fails whatever `expect` says).
 * - Reads take an owner scope; a record of another owner is reported exactly as a missing one.
 */
export interface TaskStore {
  /** True when records survive a restart of the process (recovery runs only then). */
  readonly durable: boolean;
  /** Prepares the store (opens files, takes locks); called by the manager before first use. */
  open?(): Promise<void>;
  /** May answer synchronously (the memory store does); the manager handles both. */
  create(record: TaskRecord): Promise<void> | void;
  get(id: string, owner: OwnerScope): Promise<TaskRecord | undefined>;
  update(id: string, patch: TaskPatch, options?: { expect?: readonly TaskStatus[] }): Promise<UpdateResult>;
  list(query: ListQuery): Promise<ListPage>;
  /** Number of tasks of this owner not yet terminal; may answer synchronously. */
  countActive(owner: string): Promise<number> | number;
  /** The next `seq` to assign; stores keep it monotonic across restarts. */
  nextSeq(): number;
  /** Removes terminal records whose `expiresAt` ≤ now; returns how many. */
  sweep(now: number): Promise<number>;
  delete(id: string): Promise<boolean>;
  close?(): Promise<void>;
}
