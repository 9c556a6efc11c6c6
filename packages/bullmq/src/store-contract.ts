import type { ListPage, ListQuery, OwnerScope, TaskPatch, TaskRecord, TaskStatus, UpdateResult } from '@headway/core';

export type MaybePromise<T> = T | Promise<T>;

/**
 * The `TaskStore` contract of the core's next shape (coordination plan, issue 10), written out
 * here until `@headway/core/spi` exports it: every method may answer with a promise, `nextSeq`
 * included, and a `shared` store is used by other processes at the same time.
 * TODO(issue 10): replace with `import type { TaskStore } from '@headway/core/spi'`.
 */
export interface SharedTaskStore {
  readonly durable: boolean;
  readonly shared?: boolean;
  open?(): Promise<void>;
  nextSeq(): MaybePromise<number>;
  create(record: TaskRecord): MaybePromise<void>;
  get(id: string, owner: OwnerScope): MaybePromise<TaskRecord | undefined>;
  update(id: string, patch: TaskPatch, options?: { expect?: readonly TaskStatus[] }): MaybePromise<UpdateResult>;
  list(query: ListQuery): MaybePromise<ListPage>;
  countActive(owner: string): MaybePromise<number>;
  sweep(now: number): MaybePromise<number>;
  delete(id: string): MaybePromise<boolean>;
  close?(): MaybePromise<void>;
}
