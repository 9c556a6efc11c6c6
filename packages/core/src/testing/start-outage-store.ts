import { HeadwayError } from '../errors.js';
import type { MaybePromise } from '../maybe-promise.js';
import type { CreateOptions, ListPage, ListQuery, OwnerScope, TaskStore, UpdateOptions, UpdateResult } from '../store/task-store.js';
import type { TaskPatch, TaskRecord } from '../task-record.js';

export interface StartOutageOptions {
  /** Start writes of each task that fail before one gets through. */
  readonly failures: number;
  /** What a failed start write rejects with. Default: a `store_unavailable` error, as a networked store away for a moment. */
  readonly error?: () => unknown;
  /**
   * Failed start writes that reach the store first, then fail (their answer lost on the way back):
   * all of them (true), or those whose number (1 for a task's first) this returns true for.
   */
  readonly landed?: boolean | ((failure: number) => boolean);
  /** Default true: a networked store shared by a fleet, as those whose outages pass are. */
  readonly shared?: boolean;
}

/**
 * A store in front of another whose start writes (queued → working) fail the first `failures`
 * times for each task; everything else goes through. For tests of what a start the store could not
 * take does to a task.
 */
export class StartOutageStore implements TaskStore {
  readonly durable: boolean;
  readonly shared: boolean;
  private readonly failed = new Map<string, number>();

  constructor(
    private readonly inner: TaskStore,
    private readonly o: StartOutageOptions,
  ) {
    this.durable = inner.durable;
    this.shared = o.shared ?? true;
  }

  /** Start writes of the task that failed so far. */
  failedStarts(id: string): number {
    return this.failed.get(id) ?? 0;
  }

  update(id: string, patch: TaskPatch, options?: UpdateOptions): MaybePromise<UpdateResult> {
    const failed = this.failedStarts(id);
    if (patch.status !== 'working' || !options?.expect?.includes('queued') || failed >= this.o.failures) return this.inner.update(id, patch, options);
    this.failed.set(id, failed + 1);
    const landed = typeof this.o.landed === 'function' ? this.o.landed(failed + 1) : this.o.landed === true;
    const fail = () => Promise.reject(this.o.error?.() ?? new HeadwayError('store_unavailable', `Store away for a moment: start of task ${id} failed`));
    if (!landed) return fail();
    return Promise.resolve(this.inner.update(id, patch, options)).then(fail);
  }

  open(): Promise<void> {
    return this.inner.open?.() ?? Promise.resolve();
  }

  create(record: TaskRecord, options?: CreateOptions): MaybePromise<void> {
    return this.inner.create(record, options);
  }

  get(id: string, owner: OwnerScope): MaybePromise<TaskRecord | undefined> {
    return this.inner.get(id, owner);
  }

  list(query: ListQuery): MaybePromise<ListPage> {
    return this.inner.list(query);
  }

  countActive(owner: string): MaybePromise<number> {
    return this.inner.countActive(owner);
  }

  nextSeq(): MaybePromise<number> {
    return this.inner.nextSeq();
  }

  sweep(now: number): MaybePromise<number> {
    return this.inner.sweep(now);
  }

  delete(id: string): MaybePromise<boolean> {
    return this.inner.delete(id);
  }

  close(): MaybePromise<void> {
    return this.inner.close?.();
  }
}
