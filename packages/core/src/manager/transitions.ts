import { StoreWriteError, TaskResultError } from '../errors.js';
import type { TaskEventBody } from '../events.js';
import { isPromiseLike } from '../maybe-promise.js';
import type { MaybePromise } from '../maybe-promise.js';
import { ANY_OWNER } from '../store/task-store.js';
import type { TaskStore, UpdateResult } from '../store/task-store.js';
import { ACTIVE_STATUSES, toErrorInfo } from '../task-record.js';
import type { InputRequest, InputResponse, TaskPatch, TaskRecord, TaskStatus } from '../task-record.js';
import type { Emitter } from './emitter.js';

const QUEUED: readonly TaskStatus[] = Object.freeze(['queued']);
const WORKING: readonly TaskStatus[] = Object.freeze(['working']);
const RUNNING: readonly TaskStatus[] = Object.freeze(['working', 'input_required']);
const INPUT_REQUIRED: readonly TaskStatus[] = Object.freeze(['input_required']);

/** Progress writes of one task: at most one in flight, the latest value kept for the next. */
interface ProgressWrite {
  readonly attempt: number;
  progress: number;
  message: string | undefined;
  dirty: boolean;
}

/**
 * The only writer of task records: each change is a named compare-and-set move on the status,
 * and announces itself to the sinks. Terminal moves also tell `onFinished` listeners (waiters,
 * dependents). A store that cannot keep a value never leaves a task stuck: the task fails with an
 * error naming what could not be stored. Writes made by an attempt are fenced by its number, so an
 * attempt that lost its task to a newer one (on another worker) changes nothing.
 */
export class Transitions {
  private readonly finishListeners: ((record: TaskRecord) => void)[] = [];
  private readonly progressWrites = new Map<string, ProgressWrite>();

  constructor(
    private readonly store: TaskStore,
    private readonly emitter: Emitter,
  ) {}

  onFinished(listener: (record: TaskRecord) => void): void {
    this.finishListeners.push(listener);
  }

  /** Stores a new record (refused past the owner's cap `maxActive`) and announces it; answers at once when the store does. */
  create(record: TaskRecord, maxActive: number): MaybePromise<void> {
    const stored = this.store.create(record, { maxActive });
    if (isPromiseLike(stored)) return stored.then(() => this.announceCreated(record));
    this.announceCreated(record);
  }

  private announceCreated(record: TaskRecord): void {
    this.emitter.emit(record, 1, {
      type: 'created',
      metadata: record.metadata,
      dependsOn: record.dependsOn,
      ttlMs: record.ttlMs,
      maxAttempts: record.maxAttempts,
    });
  }

  /**
   * queued → working for its next attempt, started at `startedAt`; undefined when the task is not
   * queued (cancelled, taken).
   */
  async start(id: string, startedAt: number): Promise<TaskRecord | undefined> {
    const updated = await this.store.update(id, { status: 'working', startedAt }, { expect: QUEUED });
    return updated.ok ? updated.record : undefined;
  }

  /**
   * Whether a start at `startedAt` that failed (its answer lost, the store away) reached the store:
   * the record, working since then, when it did; `queued` when the task still waits to start;
   * undefined when anything else became of it (cancelled, taken).
   */
  async landedStart(id: string, startedAt: number): Promise<TaskRecord | 'queued' | undefined> {
    const current = await this.store.get(id, ANY_OWNER);
    if (current?.status === 'queued') return 'queued';
    return current?.status === 'working' && current.startedAt === startedAt ? current : undefined;
  }

  /** A deferred task's input, replaced before it runs. */
  async setInput(record: TaskRecord, input: unknown): Promise<TaskRecord | undefined> {
    const updated = await this.write(record, 'input', { input }, QUEUED);
    return updated.ok ? updated.record : undefined;
  }

  /** Recovery: a task left `working` by a stopped process is queued again. */
  async requeue(record: TaskRecord): Promise<TaskRecord | undefined> {
    const updated = await this.store.update(record.id, { status: 'queued' }, { expect: [record.status] });
    return updated.ok ? updated.record : undefined;
  }

  /**
   * An attempt that stopped unfinished elsewhere is taken over: queued again for `nextAttempt`,
   * keeping its checkpoint and any question it waits on (fenced by the stopped attempt's number).
   */
  async reclaim(record: TaskRecord, nextAttempt: number): Promise<boolean> {
    const updated = await this.write(record, 'reclaim', { status: 'queued', attempt: nextAttempt }, RUNNING, true);
    if (updated.ok) this.progressWrites.delete(record.id);
    return updated.ok;
  }

  /** working → queued for the next attempt, due after `delayMs`. */
  async retry(record: TaskRecord, error: unknown, nextAttempt: number, delayMs: number, progress: number): Promise<boolean> {
    const info = toErrorInfo(error);
    const updated = await this.write(record, 'retry', { status: 'queued', attempt: nextAttempt, error: info, nextAttemptAt: Date.now() + delayMs, inputRequest: undefined }, RUNNING, true);
    if (!updated.ok) return false;
    this.progressWrites.delete(record.id);
    this.emitter.emit(record, record.attempt, { type: 'retrying', error: info, delayMs, nextAttempt, progress });
    return true;
  }

  async checkpoint(record: TaskRecord, state: unknown): Promise<boolean> {
    const updated = await this.write(record, 'checkpoint', { checkpoint: state }, ACTIVE_STATUSES, true);
    if (updated.ok) this.emitter.emit(record, record.attempt, { type: 'checkpoint', state });
    return updated.ok;
  }

  /** The latest delivered progress, written in the background with one write in flight per task. */
  progress(record: TaskRecord, progress: number, message: string | undefined): void {
    const pending = this.progressWrites.get(record.id);
    if (pending) {
      pending.progress = progress;
      if (message !== undefined) pending.message = message;
      pending.dirty = true;
      return;
    }
    const write: ProgressWrite = { attempt: record.attempt, progress, message, dirty: false };
    this.progressWrites.set(record.id, write);
    this.flushProgress(record.id, write);
  }

  /** `awaitInput`: working ↔ input_required with a status line. */
  async setStatus(record: TaskRecord, status: 'input_required' | 'working', message: string | undefined): Promise<void> {
    const patch: TaskPatch = { status, ...(message !== undefined && { statusMessage: message }) };
    const updated = await this.write(record, 'status', patch, status === 'working' ? INPUT_REQUIRED : WORKING, true);
    if (updated.ok) this.emitter.emit(record, record.attempt, { type: 'status', status, ...(message !== undefined && { message }) });
  }

  /** working → input_required, the question stored with the record. */
  async inputRequested(record: TaskRecord, request: InputRequest): Promise<boolean> {
    const updated = await this.write(record, 'input request', { status: 'input_required', inputRequest: request, statusMessage: request.message }, RUNNING, true);
    if (!updated.ok) return false;
    this.emitter.emit(record, record.attempt, { type: 'status', status: 'input_required', message: request.message });
    this.emitter.emit(record, record.attempt, { type: 'input', state: 'requested', request });
    return true;
  }

  /** input_required → working: answered, or withdrawn (timed out) when `response` is absent. */
  async inputSettled(record: TaskRecord, request: InputRequest, response: InputResponse | undefined): Promise<void> {
    const updated = await this.write(record, 'input answer', { status: 'working', inputRequest: undefined, inputResponse: undefined }, RUNNING, true);
    if (!updated.ok) return;
    this.emitter.emit(record, record.attempt, response ? { type: 'input', state: 'answered', request, response } : { type: 'input', state: 'withdrawn', request });
    this.emitter.emit(record, record.attempt, { type: 'status', status: 'working' });
  }

  /**
   * An answer for a task not running here: kept with the record for the task to pick up (after a
   * restart), and relayed to the process that runs it, which announces it when the task takes it.
   */
  async storeInputResponse(record: TaskRecord, request: InputRequest, response: InputResponse): Promise<boolean> {
    const updated = await this.write(record, 'input answer', { inputResponse: response }, ACTIVE_STATUSES);
    if (updated.ok) this.emitter.relayOnly(record, record.attempt, { type: 'input', state: 'answered', request, response });
    return updated.ok;
  }

  /**
   * → completed. `attempt.beforeCompleted` runs once the store has it, before `completed` is
   * announced (the final progress). A result the store cannot keep fails the task instead.
   */
  async complete(record: TaskRecord, result: unknown, attempt?: { beforeCompleted(): void }): Promise<TaskRecord | undefined> {
    const finishedAt = Date.now();
    const patch: TaskPatch = {
      status: 'completed',
      finishedAt,
      expiresAt: finishedAt + record.ttlMs,
      result,
      progress: 100,
      error: undefined,
      nextAttemptAt: undefined,
      inputRequest: undefined,
      inputResponse: undefined,
    };
    let updated: UpdateResult;
    try {
      updated = await this.store.update(record.id, patch, { expect: ACTIVE_STATUSES, attempt: record.attempt });
    } catch (error) {
      return this.fail(record, new StoreWriteError('result', record.id, error), record.progress, true);
    }
    if (!updated.ok) return undefined;
    this.progressWrites.delete(record.id);
    attempt?.beforeCompleted();
    this.emitter.emit(record, updated.record.attempt, { type: 'completed', result, durationMs: finishedAt - (updated.record.startedAt ?? record.createdAt) });
    this.announceFinished(updated.record);
    return updated.record;
  }

  /**
   * → failed, with the progress the task reached. Never throws: a broken store still ends the task.
   * `fenced`: the failure of the attempt `record` describes (only that attempt may end the task).
   */
  async fail(record: TaskRecord, error: unknown, progress: number, fenced = false): Promise<TaskRecord | undefined> {
    const finishedAt = Date.now();
    const base: TaskPatch = { status: 'failed', finishedAt, expiresAt: finishedAt + record.ttlMs, nextAttemptAt: undefined, inputRequest: undefined };
    const info = toErrorInfo(error);
    const options = fenced ? { expect: ACTIVE_STATUSES, attempt: record.attempt } : { expect: ACTIVE_STATUSES };
    let updated: UpdateResult | undefined;
    try {
      updated = await this.store.update(record.id, { ...base, error: info, ...(error instanceof TaskResultError && { result: error.result }) }, options);
    } catch (first) {
      try {
        // The error (or its result) may be what the store could not keep: try the bare failure.
        const plain = toErrorInfo(new StoreWriteError('failure', record.id, first));
        updated = await this.store.update(record.id, { ...base, error: { ...plain, message: `${info.message} (${plain.message})` } }, options);
      } catch {
        updated = undefined;
      }
    }
    if (updated && !updated.ok) return undefined;
    this.progressWrites.delete(record.id);
    // A store that fails every write: the failure is announced from memory, so nothing waits forever.
    const final = updated?.record ?? { ...record, ...base, error: info };
    this.emitter.emit(record, final.attempt, { type: 'failed', error: final.error!, durationMs: finishedAt - (final.startedAt ?? record.createdAt), progress });
    this.announceFinished(final);
    return final;
  }

  /** Writes → cancelled. The caller stops the work, then calls `announceCancelled`. */
  async cancel(record: TaskRecord, reason: string): Promise<TaskRecord | undefined> {
    const finishedAt = Date.now();
    const updated = await this.store.update(
      record.id,
      { status: 'cancelled', finishedAt, expiresAt: finishedAt + record.ttlMs, error: { name: 'TaskCancelledError', message: reason, code: 'cancelled' }, inputRequest: undefined },
      { expect: ACTIVE_STATUSES },
    );
    if (!updated.ok) return undefined;
    this.progressWrites.delete(record.id);
    return updated.record;
  }

  announceCancelled(record: TaskRecord, reason: string, progress: number): void {
    this.emitter.emit(record, record.attempt, { type: 'cancelled', reason, durationMs: (record.finishedAt ?? Date.now()) - (record.startedAt ?? record.createdAt), progress });
    this.announceFinished(record);
  }

  /** A task finished in another process (its terminal event was relayed): tell the listeners here. */
  finishedElsewhere(record: TaskRecord): void {
    this.progressWrites.delete(record.id);
    this.announceFinished(record);
  }

  /** An event of a running attempt that is not a move of its own (progress, log, phase, resources). */
  report(record: TaskRecord, attempt: number, body: TaskEventBody, at?: number): void {
    this.emitter.emit(record, attempt, body, at);
  }

  private announceFinished(record: TaskRecord): void {
    for (const listener of this.finishListeners) listener(record);
  }

  /** A store update whose failure names what could not be stored; `fenced` for writes of the attempt `record` describes. */
  private async write(record: TaskRecord, what: string, patch: TaskPatch, expect: readonly TaskStatus[], fenced = false): Promise<UpdateResult> {
    try {
      return await this.store.update(record.id, patch, fenced ? { expect, attempt: record.attempt } : { expect });
    } catch (error) {
      throw new StoreWriteError(what, record.id, error);
    }
  }

  private flushProgress(id: string, write: ProgressWrite): void {
    const patch: TaskPatch = { progress: write.progress };
    if (write.message !== undefined) patch.statusMessage = write.message;
    write.dirty = false;
    const done = () => {
      if (this.progressWrites.get(id) !== write) return;
      if (write.dirty) this.flushProgress(id, write);
      else this.progressWrites.delete(id);
    };
    let result;
    try {
      result = this.store.update(id, patch, { expect: RUNNING, attempt: write.attempt });
    } catch {
      // Progress is written on a best-effort basis: the next value or the end of the task writes again.
      done();
      return;
    }
    if (isPromiseLike(result)) result.then(done, done);
    else done();
  }
}
