import { TaskFailedError } from '../errors.js';
import type { InputResponse, TaskSnapshot } from '../task-record.js';

/** The parts of the manager a handle uses. */
export interface HandleHost {
  get(id: string, options: { owner: string }): Promise<TaskSnapshot | undefined>;
  wait(id: string, options: { owner: string; timeoutMs?: number; signal?: AbortSignal }): Promise<TaskSnapshot>;
  cancel(id: string, options: { owner: string; reason?: string }): Promise<TaskSnapshot>;
  respond(id: string, response: InputResponse, options: { owner: string }): Promise<void>;
}

/** A reference to one task, bound to its owner. */
export class TaskHandle<R = unknown> {
  constructor(
    private readonly host: HandleHost,
    readonly id: string,
    readonly owner: string,
    readonly kind: string,
  ) {}

  get(): Promise<TaskSnapshot | undefined> {
    return this.host.get(this.id, { owner: this.owner });
  }

  /** Resolves once the task is terminal, or with its current state after `timeoutMs`. */
  wait(options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<TaskSnapshot> {
    return this.host.wait(this.id, { ...options, owner: this.owner });
  }

  /** The task's result; rejects with `TaskFailedError` (the task's own error in `taskError`) when it failed or was cancelled. */
  async result(): Promise<R> {
    const record = await this.wait();
    if (record.status === 'completed') return record.result as R;
    throw new TaskFailedError(this.id, record.status === 'cancelled' ? 'cancelled' : 'failed', record.error);
  }

  cancel(reason?: string): Promise<TaskSnapshot> {
    return this.host.cancel(this.id, { owner: this.owner, ...(reason !== undefined && { reason }) });
  }

  /** Answers the question the task waits on. */
  respond(response: InputResponse): Promise<void> {
    return this.host.respond(this.id, response, { owner: this.owner });
  }

  toJSON(): { id: string; kind: string } {
    return { id: this.id, kind: this.kind };
  }
}
