import type { MaybePromise } from '../maybe-promise.js';
import { TaskLimitError } from '../errors.js';
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

export interface ListPage<T = TaskRecord> {
  tasks: T[];
  nextCursor?: string;
}

/** Conditions of an update: it applies only when every one holds. */
export interface UpdateOptions {
  /** Compare-and-set: the record's status is one of these. */
  readonly expect?: readonly TaskStatus[];
  /**
   * Fencing: the record's `attempt` is this one. An attempt writes with its own number, so a worker
   * that lost its task to another (its lock expired and the task runs again elsewhere) cannot
   * overwrite the newer attempt's record.
   */
  readonly attempt?: number;
}

/** Conditions of a create. */
export interface CreateOptions {
  /**
   * The owner's cap: the create is refused with `TaskLimitError` (see `activeLimitError`) when the
   * record is unfinished and its owner already has this many unfinished tasks. Checked and applied
   * in one step, so creates at the same time (from any process of a shared store) cannot pass it
   * together.
   */
  readonly maxActive?: number;
}

/** The error a store throws when `CreateOptions.maxActive` refuses a create (one wording for every store). */
export function activeLimitError(active: number, limit: number): TaskLimitError {
  return new TaskLimitError(`Owner already has ${active} unfinished tasks (limit ${limit})`);
}

export type UpdateResult =
  | { readonly ok: true; readonly record: TaskRecord }
  /** `record` is the current state when the compare failed, absent when there is no such task. */
  | { readonly ok: false; readonly record?: TaskRecord };

/**
 * Where task records live. Implementations: `MemoryTaskStore` (core), `FileTaskStore`
 * (@headway/file-store), `RedisTaskStore` (@headway/bullmq). `describeTaskStore` in
 * `@headway/core/testing` checks a store against this contract.
 *
 * Every method may answer at once or with a promise: a networked store answers later, the memory
 * store at once (its callers then skip a turn of the event loop).
 *
 * Contract:
 * - `create` resolves only once the record is as durable as the store promises; a duplicate id is
 *   refused; with `maxActive`, the owner's cap is checked in the same step (`CreateOptions`).
 * - Records returned are copies of the record itself; nested values (input, metadata, result,
 *   checkpoint) may be shared with the store and must be treated as read-only.
 * - `update` may return the stored record itself: treat it as read-only.
 * - `update` with `expect` is a compare-and-set on status; terminal statuses are final
 *   (an update of a terminal record fails whatever `expect` says). With `attempt` it also requires
 *   the record's `attempt` to be that number (fencing).
 * - Reads take an owner scope; a record of another owner is reported exactly as a missing one.
 * - Fields of a record the store does not know are kept (store the whole record).
 */
export interface TaskStore {
  /** True when records survive a restart of the process (recovery runs only then). */
  readonly durable: boolean;
  /**
   * True when other processes use the same records at the same time (a networked store): tasks may
   * be created, run and cancelled elsewhere, so this process does not recover them on start.
   */
  readonly shared?: boolean;
  /** Prepares the store (opens files, takes locks, connects); called by the manager before first use. */
  open?(): Promise<void>;
  create(record: TaskRecord, options?: CreateOptions): MaybePromise<void>;
  get(id: string, owner: OwnerScope): MaybePromise<TaskRecord | undefined>;
  update(id: string, patch: TaskPatch, options?: UpdateOptions): MaybePromise<UpdateResult>;
  list(query: ListQuery): MaybePromise<ListPage>;
  /** Number of tasks of this owner not yet terminal. */
  countActive(owner: string): MaybePromise<number>;
  /** The next `seq` to assign; monotonic across restarts. */
  nextSeq(): MaybePromise<number>;
  /** Removes terminal records whose `expiresAt` ≤ now; returns how many. */
  sweep(now: number): MaybePromise<number>;
  delete(id: string): MaybePromise<boolean>;
  close?(): MaybePromise<void>;
}
