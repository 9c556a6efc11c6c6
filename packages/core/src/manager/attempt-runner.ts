import { performance } from 'node:perf_hooks';
import type { ElicitRequest } from '../context/elicit.js';
import type { TaskFunction } from '../context/task-context.js';
import { InterruptedError, ShutdownError, StoreWriteError, TaskCancelledError, TaskTimeoutError, UnknownKindError } from '../errors.js';
import type { TaskEventBody } from '../events.js';
import type { Executor } from '../executor/executor.js';
import type { ResolvedProgressOptions } from '../progress/progress-options.js';
import { progressRate } from '../progress/progress-rate.js';
import type { AttemptOutcome, ReclaimOutcome, RunAttemptOptions } from '../scheduler/scheduler.js';
import { ANY_OWNER } from '../store/task-store.js';
import type { TaskStore } from '../store/task-store.js';
import type { InputResponse, TaskRecord } from '../task-record.js';
import { Attempt } from './attempt.js';
import type { AttemptHost } from './attempt.js';
import type { Definitions } from './definitions.js';
import { InputBroker } from './input-broker.js';
import { ResourceMeter } from './resource-meter.js';
import { START_BACKOFF, backoffDelay, isRetryable } from './retry-policy.js';
import type { ResolvedRetryOptions } from './retry-policy.js';
import type { Transitions } from './transitions.js';

export interface RunnerOptions {
  readonly store: TaskStore;
  readonly transitions: Transitions;
  readonly definitions: Definitions;
  /** Functions of one-off tasks (`create({ fn })`), by task id. */
  readonly oneOffs: Map<string, TaskFunction>;
  readonly executor: Executor;
  readonly progress: ResolvedProgressOptions;
  readonly resources: { readonly enabled: boolean; readonly intervalMs: number };
  /** True once shutdown began: with a durable store, an attempt it aborts is left for recovery. */
  readonly stopping: () => boolean;
}

/**
 * Runs attempts in this process: moves the task to `working`, runs its function through an
 * executor with a timeout and resource sampling, then completes it, fails it, or requeues it for
 * a retry (the scheduler waits the backoff it returns). An attempt ends exactly once.
 */
export class AttemptRunner implements AttemptHost {
  private readonly attempts = new Map<string, Attempt>();
  /** Tasks recovered from a durable store, not started here yet: whether each resumes a working attempt. */
  private readonly recovered = new Map<string, boolean>();
  /** Tasks whose start the store could not take (away for a moment): tries so far, and the time of the last. */
  private readonly postponed = new Map<string, { tries: number; startedAt: number }>();
  private readonly meter = new ResourceMeter();
  private readonly input: InputBroker;

  constructor(private readonly o: RunnerOptions) {
    this.input = new InputBroker(o.transitions, (attempt, body) => this.report(attempt, body));
    // A postponed task may end without starting again here (cancelled while it waited, run elsewhere).
    o.transitions.onFinished((record) => {
      if (this.postponed.size > 0) this.postponed.delete(record.id);
    });
  }

  get running(): number {
    return this.attempts.size;
  }

  markRecovered(taskId: string, resumed: boolean): void {
    this.recovered.set(taskId, resumed);
  }

  canRun(taskId: string, kind: string): boolean {
    return this.o.oneOffs.has(taskId) || this.o.definitions.get(kind) !== undefined;
  }

  run(taskId: string, retry: ResolvedRetryOptions, options?: RunAttemptOptions): Promise<AttemptOutcome> {
    if (options?.remote || options?.resumed) this.recovered.set(taskId, options.resumed === true);
    // Registered before the task is moved to working, so a cancel in between is not missed.
    const attempt = new Attempt(this, taskId, retry, this.o.progress);
    this.attempts.set(taskId, attempt);
    void this.begin(attempt);
    return attempt.outcome;
  }

  /** See `SchedulerHost.reclaim`. */
  async reclaim(taskId: string, retry: ResolvedRetryOptions): Promise<ReclaimOutcome> {
    if (this.attempts.has(taskId)) return { type: 'skipped' };
    const record = await this.o.store.get(taskId, ANY_OWNER);
    if (!record || (record.status !== 'working' && record.status !== 'input_required')) return { type: 'skipped' };
    const next = record.attempt + 1;
    if (record.resumable) return (await this.o.transitions.reclaim(record, next)) ? { type: 'resume', attempt: next } : { type: 'skipped' };
    const error = new InterruptedError(`Attempt ${record.attempt} stopped before it finished (its worker died or lost the task)`);
    if (record.attempt < retry.maxAttempts) {
      const delayMs = backoffDelay(retry, next);
      return (await this.o.transitions.retry(record, error, next, delayMs, record.progress)) ? { type: 'retry', attempt: next, delayMs } : { type: 'skipped' };
    }
    return (await this.o.transitions.fail(record, error, record.progress, true)) ? { type: 'failed' } : { type: 'skipped' };
  }

  /** Ends the attempt of a task running here at once (cancel, timeout, shutdown); its late result is discarded. */
  abort(taskId: string, reason: unknown): void {
    const attempt = this.attempts.get(taskId);
    if (!attempt || attempt.settled) return;
    attempt.abort(reason);
    this.input.abandon(attempt, reason);
    // Not started yet: `begin` sees the reason once the start settles.
    if (attempt.bound) void this.settle(attempt, { error: reason });
  }

  /** The progress a task running here has reached. */
  reached(taskId: string): number | undefined {
    return this.attempts.get(taskId)?.reached;
  }

  /** Hands an answer to the task running here that waits on it; false when none does. */
  respond(taskId: string, response: InputResponse): boolean {
    const attempt = this.attempts.get(taskId);
    return attempt !== undefined && this.input.answer(attempt, response);
  }

  /** Heartbeats for silent tasks and running resource samples. */
  tick(): void {
    const now = performance.now();
    const heartbeatMs = this.o.progress.heartbeatMs;
    for (const attempt of this.attempts.values()) {
      if (attempt.settled || !attempt.bound) continue;
      if (attempt.meter && now - attempt.lastResourcesAt >= this.o.resources.intervalMs) {
        attempt.lastResourcesAt = now;
        this.report(attempt, this.meter.sample(attempt.meter, 'running'));
      }
      if (heartbeatMs > 0 && now - attempt.lastEventAt >= heartbeatMs) this.heartbeat(attempt, now);
    }
  }

  /** `at`: the record's time of the change, where it has one (see `Emitter.emit`). */
  report(attempt: Attempt, body: TaskEventBody, at?: number): void {
    if (attempt.settled && !attempt.finishing) return;
    attempt.lastEventAt = performance.now();
    if (body.type === 'progress' && !body.heartbeat && !attempt.finishing) {
      attempt.progress = body.progress;
      if (body.message !== undefined) attempt.statusMessage = body.message;
      // The final 100 of a completed attempt is in the record already (the completion wrote it).
      if (!attempt.settled) this.o.transitions.progress(attempt.record, body.progress, body.message);
    }
    this.o.transitions.report(attempt.record, attempt.attempt, body, at);
  }

  async saveCheckpoint(attempt: Attempt, state: unknown): Promise<void> {
    if (attempt.settled) throw attempt.abortReason ?? new TaskCancelledError();
    if (!(await this.o.transitions.checkpoint(attempt.record, state))) throw attempt.abortReason ?? new TaskCancelledError();
  }

  setStatus(attempt: Attempt, status: 'input_required' | 'working', message?: string): void {
    if (attempt.settled) return;
    this.o.transitions.setStatus(attempt.record, status, message).catch(() => undefined);
  }

  requestInput(attempt: Attempt, request: ElicitRequest): Promise<InputResponse> {
    return this.input.ask(attempt, request);
  }

  private async begin(attempt: Attempt): Promise<void> {
    const taskId = attempt.taskId;
    const earlier = this.postponed.get(taskId);
    // The time of the start last tried: until a read says the task is still queued, that try may
    // have reached the store (its answer lost), and a task working since then is this start's.
    let tried = earlier?.startedAt;
    let record: TaskRecord | undefined;
    try {
      const landed = tried === undefined ? 'queued' : await this.o.transitions.landedStart(taskId, tried);
      // A new try has a time of its own: the task started when its start landed, not before an outage.
      record = landed === 'queued' ? await this.o.transitions.start(taskId, (tried = Date.now())) : landed;
    } catch (error) {
      if (this.storeAway(error)) return this.postpone(attempt, (earlier?.tries ?? 0) + 1, tried!);
      this.postponed.delete(taskId);
      const current = await Promise.resolve(this.o.store.get(taskId, ANY_OWNER)).catch(() => undefined);
      if (current) await this.o.transitions.fail(current, new StoreWriteError('start', taskId, error), current.progress);
      this.end(attempt, { type: 'failed' });
      return;
    }
    if (earlier) this.postponed.delete(taskId);
    if (!record) {
      this.recovered.delete(taskId);
      return this.end(attempt, { type: attempt.abortReason instanceof TaskCancelledError ? 'cancelled' : 'skipped' });
    }
    attempt.bind(record);
    if (attempt.abortReason !== undefined) return void this.settle(attempt, { error: attempt.abortReason });
    await this.execute(attempt);
  }

  /**
   * The store could not take the start for a moment: the task, still queued for the same attempt,
   * goes back to the scheduler to start again after a backoff that grows with the tries.
   */
  private postpone(attempt: Attempt, tries: number, startedAt: number): void {
    if (attempt.abortReason instanceof TaskCancelledError) {
      this.postponed.delete(attempt.taskId);
      return this.end(attempt, { type: 'cancelled' });
    }
    this.postponed.set(attempt.taskId, { tries, startedAt });
    this.end(attempt, { type: 'postponed', delayMs: backoffDelay(START_BACKOFF, tries + 1) });
  }

  private async execute(attempt: Attempt): Promise<void> {
    const record = attempt.record;
    const definition = this.o.definitions.get(record.kind);
    attempt.fn = this.o.oneOffs.get(record.id) ?? definition?.fn;
    attempt.handler = attempt.fn ? undefined : definition?.handler;
    attempt.executor = definition?.executor ?? this.o.executor;
    if (!attempt.fn && !attempt.handler) return void this.settle(attempt, { error: new UnknownKindError(record.kind) });
    if (record.dependsOn.length > 0) {
      attempt.dependencies = await this.dependencyResults(record.dependsOn);
      if (attempt.settled) return;
    }
    const resumed = this.recovered.get(record.id);
    this.recovered.delete(record.id);
    this.report(attempt, {
      type: 'started',
      queueWaitMs: Math.max(0, (record.startedAt ?? Date.now()) - (record.nextAttemptAt ?? record.createdAt)),
      ...(resumed && { resumed: true }),
      // Its `created` went to the sinks of the process that crashed: sinks here learn its metadata now.
      ...(resumed !== undefined && { metadata: record.metadata }),
    }, record.startedAt);
    if (this.o.resources.enabled && !attempt.executor.measuresResources) {
      attempt.meter = this.meter.begin();
      attempt.lastResourcesAt = performance.now();
      this.report(attempt, this.meter.sample(attempt.meter, 'start'));
    }
    const timeoutMs = record.timeoutMs;
    if (timeoutMs !== undefined) {
      // Not unref'd: the timeout is part of the task's progress and keeps the process alive.
      attempt.timer = setTimeout(() => this.abort(record.id, new TaskTimeoutError(timeoutMs)), timeoutMs);
    }
    let outcome: { result?: unknown; error?: unknown };
    try {
      outcome = { result: await attempt.executor.execute(attempt) };
    } catch (error) {
      outcome = { error };
    }
    await this.settle(attempt, outcome);
  }

  /** Ends an attempt exactly once: completes, retries or fails the task, and says which. */
  private async settle(attempt: Attempt, outcome: { result?: unknown; error?: unknown }): Promise<void> {
    if (attempt.settled) return;
    attempt.settled = true;
    clearTimeout(attempt.timer);
    attempt.timer = undefined;
    const reached = attempt.reached;
    const tracker = attempt.context?.usedProgress;
    if (attempt.meter) {
      const usage = this.meter.end(attempt.meter);
      attempt.meter = undefined;
      attempt.finishing = true;
      this.report(attempt, usage);
      attempt.finishing = false;
    }
    const reason = attempt.abortReason;
    if (reason instanceof TaskCancelledError) {
      tracker?.close();
      return this.end(attempt, { type: 'cancelled' });
    }
    if (reason instanceof ShutdownError && this.o.stopping() && this.o.store.durable) {
      tracker?.close();
      return this.end(attempt, { type: 'interrupted' });
    }
    // A shared store that could not take a write of this attempt (Redis away): the task is left as
    // it is, and taken over by another run once the store is back (`SchedulerHost.reclaim`).
    if ('error' in outcome && this.storeAway(outcome.error)) {
      tracker?.close();
      return this.end(attempt, { type: 'interrupted' });
    }
    const record = attempt.record;
    if (!('error' in outcome)) {
      const done = await this.o.transitions.complete(record, outcome.result, attempt);
      return this.end(attempt, { type: done?.status === 'failed' ? 'failed' : 'completed' });
    }
    tracker?.close();
    const error = outcome.error;
    if (!(error instanceof ShutdownError) && record.attempt < attempt.retry.maxAttempts && isRetryable(error)) {
      const next = record.attempt + 1;
      const delayMs = backoffDelay(attempt.retry, next);
      try {
        if (await this.o.transitions.retry(record, error, next, delayMs, reached)) return this.end(attempt, { type: 'retry', attempt: next, delayMs });
        return this.end(attempt, { type: 'cancelled' });
      } catch (writeError) {
        await this.o.transitions.fail(record, writeError, reached, true);
        return this.end(attempt, { type: 'failed' });
      }
    }
    await this.o.transitions.fail(record, error, reached, true);
    this.end(attempt, { type: 'failed' });
  }

  private end(attempt: Attempt, outcome: AttemptOutcome): void {
    attempt.settled = true;
    if (this.attempts.get(attempt.taskId) === attempt) this.attempts.delete(attempt.taskId);
    attempt.context = undefined;
    attempt.resolveOutcome(outcome);
  }

  /** Delivered progress ends at 100 on success, with its rate and an ETA of 0. */
  finalProgress(attempt: Attempt): void {
    attempt.finishing = true;
    const tracker = attempt.context?.usedProgress;
    if (tracker) tracker.complete();
    else if (attempt.progress < 100) {
      this.report(attempt, {
        type: 'progress',
        progress: 100,
        ...(attempt.statusMessage !== undefined && { message: attempt.statusMessage }),
        ...progressRate(100, attempt.startProgress, attempt.startedAt, performance.now()),
      });
    }
    attempt.finishing = false;
  }

  private heartbeat(attempt: Attempt, now: number): void {
    const tracker = attempt.context?.usedProgress;
    if (tracker) return tracker.heartbeat();
    this.report(attempt, {
      type: 'progress',
      progress: attempt.progress,
      heartbeat: true,
      ...(attempt.statusMessage !== undefined && { message: attempt.statusMessage }),
      ...progressRate(attempt.progress, attempt.startProgress, attempt.startedAt, now),
    });
  }

  private async dependencyResults(dependsOn: readonly string[]): Promise<Readonly<Record<string, unknown>>> {
    const results: Record<string, unknown> = {};
    for (const id of dependsOn) {
      const record = await this.o.store.get(id, ANY_OWNER);
      if (record?.status === 'completed') results[id] = record.result;
    }
    return Object.freeze(results);
  }

  /**
   * A write failed because a shared store is away for a moment (Redis restarting): it comes back
   * by itself. A store of this process only that fails (a file store that must be reopened) does not.
   */
  private storeAway(error: unknown): boolean {
    if (!this.o.store.shared) return false;
    const code = (error as { code?: unknown } | null)?.code;
    return code === 'store_write_failed' || code === 'store_unavailable';
  }
}
