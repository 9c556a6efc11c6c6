import type { Redis } from 'ioredis';
import { DelayedError, WaitingError, Worker } from 'bullmq';
import type { Job } from 'bullmq';
import { InterruptedError, isTerminal, TaskCancelledError } from '@headway/core';
import { DEFAULT_RETRY } from '@headway/core/spi';
import type { AttemptOutcome, ResolvedRetryOptions, SchedulerHost } from '@headway/core/spi';
import type { KeyLayout } from './keys.js';

/** What a Headway job carries: only how to retry it (the record holds everything else). */
export interface JobData {
  readonly retry: ResolvedRetryOptions;
}

/** Thrown by a processor so BullMQ retries the job after Headway's backoff (see `backoffStrategy`). */
export class RetryLater extends Error {
  override readonly name = 'RetryLater';
  constructor(readonly delayMs: number) {
    super(`Retry after ${Math.round(delayMs)} ms`);
  }
}

/** The attempt ended here but its record still says it runs: the job must run again to settle it. */
class Unfinished extends Error {
  override readonly name = 'Unfinished';
  constructor(taskId: string) {
    super(`Task ${taskId} ended here but its record could not be updated; it is taken over at the next run of its job`);
  }
}

/** BullMQ attempts a job has beyond the task's own, for runs that fail for want of Redis (not the task's). */
export const INFRASTRUCTURE_RETRIES = 3;

/** Delay before BullMQ runs a job again whose processor failed unexpectedly (Redis trouble). */
const UNEXPECTED_RETRY_MS = 1_000;

/** BullMQ's custom backoff: the delay Headway's retry policy chose. */
function backoffStrategy(_attemptsMade: number, _type?: string, error?: Error): number {
  return error instanceof RetryLater ? error.delayMs : UNEXPECTED_RETRY_MS;
}

export interface KindWorkersOptions {
  readonly keys: KeyLayout;
  /** Shared by the workers for their non-blocking commands (BullMQ duplicates it for blocking ones). */
  readonly client: Redis;
  readonly concurrency: number;
  readonly lockDurationMs: number;
  readonly stalledIntervalMs: number;
  readonly maxStalls: number;
  readonly cancelPollMs: number;
  readonly host: () => SchedulerHost;
  readonly onError: (error: Error, where: string) => void;
}

const LOST = 'This worker lost the task (its lock expired, so BullMQ gave the job to another worker)';

/**
 * The BullMQ side of a worker process: one BullMQ `Worker` per kind defined here (a process takes
 * only jobs it can run), whose processor runs the attempt through the manager (`runAttempt`), takes
 * over a task whose previous worker died (`reclaim`), and hands retries back to BullMQ.
 */
export class KindWorkers {
  private readonly workers = new Map<string, Worker>();
  /** Jobs running here, by task id. */
  private readonly active = new Map<string, Job>();
  private poll: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly o: KindWorkersOptions) {}

  get running(): number {
    return this.active.size;
  }

  /** Starts taking jobs of `kind` (idempotent). */
  ensure(kind: string): void {
    if (this.workers.has(kind)) return;
    const name = this.o.keys.queueName(kind);
    const worker = new Worker<JobData>(name, (job, token, signal) => this.process(job, token, signal), {
      connection: this.o.client,
      prefix: this.o.keys.base,
      concurrency: this.o.concurrency,
      lockDuration: this.o.lockDurationMs,
      stalledInterval: this.o.stalledIntervalMs,
      maxStalledCount: this.o.maxStalls,
      settings: { backoffStrategy },
      // After Redis trouble, BullMQ's own bookkeeping of a finished job is retried this soon (default 15 s).
      runRetryDelay: 1_000,
    });
    worker.on('error', (error) => this.o.onError(error, `worker of kind ${JSON.stringify(kind)}`));
    worker.on('lockRenewalFailed', (jobIds) => {
      for (const id of jobIds) if (this.active.has(id)) this.o.host().abortAttempt(id, new TaskCancelledError(LOST));
    });
    worker.on('failed', (job, error) => this.failed(job, error));
    this.workers.set(kind, worker);
    this.poll ??= setInterval(() => void this.pollCancelled(), this.o.cancelPollMs);
    this.poll.unref?.();
  }

  /** Aborts every attempt running here (shutdown). */
  abortAll(reason: unknown): void {
    for (const id of this.active.keys()) this.o.host().abortAttempt(id, reason);
  }

  /** Resolves when nothing runs here, or at `deadline`. */
  async idle(deadline: number): Promise<void> {
    while (this.active.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  /** Stops taking jobs and closes the workers (running jobs were finished or aborted before). */
  async close(): Promise<void> {
    clearInterval(this.poll);
    await Promise.all([...this.workers.values()].map((w) => w.close().catch(() => w.close(true))));
    this.workers.clear();
  }

  private async process(job: Job<JobData>, token: string | undefined, signal: AbortSignal | undefined): Promise<void> {
    const taskId = job.id!;
    const host = this.o.host();
    const retry = job.data?.retry ?? DEFAULT_RETRY;
    this.active.set(taskId, job);
    // BullMQ's own cancellation (`worker.cancelJob`) aborts the attempt too.
    const onAbort = () => host.abortAttempt(taskId, new TaskCancelledError(typeof signal?.reason === 'string' ? signal.reason : 'Cancelled by the worker'));
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      let outcome: AttemptOutcome = await host.runAttempt(taskId, retry, { remote: true });
      if (outcome.type === 'skipped') {
        // Not queued: finished or cancelled (nothing to do), or left working by a worker that died.
        const taken = await host.reclaim(taskId, retry);
        if (taken.type === 'resume') outcome = await host.runAttempt(taskId, retry, { remote: true, resumed: true });
        else if (taken.type === 'retry') outcome = { type: 'retry', attempt: taken.attempt, delayMs: taken.delayMs };
      }
      if (outcome.type === 'postponed' && token !== undefined) {
        // Redis could not take the task's start for a moment: the job waits the backoff, its attempts untouched.
        await job.moveToDelayed(Date.now() + outcome.delayMs, token);
        throw new DelayedError();
      }
      if (outcome.type === 'retry' || outcome.type === 'postponed') throw new RetryLater(outcome.delayMs);
      if (outcome.type === 'interrupted' && token !== undefined) {
        // Shutdown, or Redis went away: back to the queue (once Redis answers), for a worker to take over.
        await job.moveToWait(token);
        throw new WaitingError();
      }
      if (outcome.type === 'failed' || outcome.type === 'cancelled') {
        // The end may not have reached the record (Redis away, or this worker lost the task): the
        // job then stays, and its next run takes the task over (`reclaim`).
        const record = await host.read(taskId);
        if (record && (record.status === 'working' || record.status === 'input_required')) throw new Unfinished(taskId);
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.active.delete(taskId);
    }
  }

  /** A job BullMQ failed for good without Headway deciding it (stalled too often, or Redis trouble throughout). */
  private failed(job: Job<JobData> | undefined, error: Error): void {
    if (!job?.id) return;
    const final = error.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
    if (!final) return;
    const detail = error.message === 'job stalled more than allowable limit'
      ? `Its worker stopped ${this.o.maxStalls + 1} times before it finished (BullMQ: ${error.message})`
      : `BullMQ failed its job: ${error.message}`;
    this.o.host().failTask(job.id, new InterruptedError(detail)).catch((e: Error) => this.o.onError(e, `failing task ${job.id}`));
  }

  /** The safety net for a cancel whose event was lost: tasks running here that ended elsewhere are aborted. */
  private async pollCancelled(): Promise<void> {
    const host = this.o.host();
    for (const id of [...this.active.keys()]) {
      const record = await Promise.resolve(host.read(id)).catch(() => undefined);
      if (record && isTerminal(record.status)) host.abortAttempt(id, new TaskCancelledError(record.error?.message ?? `Task ended ${record.status}`));
    }
  }
}
