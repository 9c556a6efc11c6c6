import { TaskFailedError } from '../errors.js';
import type { TaskRecord } from '../task-record.js';

/** The parts of the manager a handle uses. */
export interface HandleHost {
  get(id: string, options: { owner: string }): Promise<TaskRecord | undefined>;
  wait(id: string, options: { owner: string; timeoutMs?: number; signal?: AbortSignal }): Promise<TaskRecord>;
  cancel(id: string, options: { owner: string; reason?: string }): Promise<TaskRecord>;
}

/** A reference to one task, bound to its owner. */
export class TaskHandle<R = unknown> {
  constructor(
    private readonly host: HandleHost,
    readonly id: string,
    readonly owner: string,
    readonly kind: string,
  ) {}

  get(): Promise<TaskRecord | undefined> {
    return this.host.get(this.id, { owner: this.owner });
  }

  /** Resolves with the record once terminal, or with its current state after `timeoutMs`. */
  wait(options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<TaskRecord> {
    return this.host.wait(this.id, { ...options, owner: this.owner });
  }

  /** The task's result; rejects with `TaskFailedError` when it failed or was cancelled. */
  async result(): Promise<R> {
    const record = await this.wait();
    if (record.status === 'completed') return record.result as R;
    throw new TaskFailedError(this.id, record.status, record.error?.message ?? record.status, record.error?.code);
  }

  cancel(reason?: string): Promise<TaskRecord> {
    return this.host.cancel(this.id, { owner: this.owner, ...(reason !== undefined && { reason }) });
  }

  toJSON(): { id: string; kind: string } {
    return { id: this.id, kind: this.kind };
  }
}
