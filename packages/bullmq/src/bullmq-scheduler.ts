import type { Redis } from 'ioredis';
import { Queue } from 'bullmq';
import { InvalidArgumentError, ShutdownError } from '@headway/core';
import type { ResolvedRetryOptions, Scheduler, SchedulerHost, SchedulerStats, SubmitOptions, TaskRecord } from '@headway/core/spi';
import { closeClient, connectClient, newClient } from './connection.js';
import type { RedisConnection } from './connection.js';
import { DependencyGate } from './dependency-gate.js';
import { RedisStoreError } from './errors.js';
import { KeyLayout } from './keys.js';
import { INFRASTRUCTURE_RETRIES, KindWorkers } from './kind-workers.js';
import type { JobData } from './kind-workers.js';
import { LuaScript } from './lua-script.js';
import type { RedisEventRelay } from './redis-event-relay.js';
import { Reconciler } from './reconciler.js';

export interface BullMqSchedulerOptions {
  /** Where Redis is. Default `redis://127.0.0.1:6379`. */
  connection?: RedisConnection;
  /** The deployment's key prefix, shared by every process of the fleet. Default `headway`. */
  prefix?: string;
  /**
   * Take jobs here: this process is a worker for the kinds defined on its manager. Default false
   * (a server: it enqueues, workers run).
   */
  work?: boolean;
  /** Tasks of one kind running at once in this process (a BullMQ worker's concurrency). Default 16. */
  concurrency?: number;
  /** Tasks of a kind running at once across the fleet (BullMQ's global concurrency of the kind's queue). */
  kindConcurrency?: Readonly<Record<string, number>>;
  /**
   * How soon a task whose worker died (SIGKILL, crash, lost network) is given to another worker, in
   * ms: BullMQ's lock lasts ⅔ of it and its stalled-job check runs every ⅓. Every process of a fleet
   * must use the same value. Default 30 000.
   */
  stalledJobBoundMs?: number;
  /** How often one task may lose its worker before it fails with `InterruptedError`. Default 3. */
  maxStalls?: number;
  /** A worker re-reads the records of its running tasks this often and aborts those cancelled elsewhere (a safety net for a lost cancel event), in ms. Default 2000. */
  cancelPollMs?: number;
  /** The fleet's reconciler runs this often (one process at a time), in ms; 0 turns it off. Default 60 000. */
  reconcileIntervalMs?: number;
  /** The relay of this process: a worker hears there of the cancellation of the tasks it runs (and answers to their questions). */
  relay?: RedisEventRelay;
  /** Told of Redis trouble in the background (a worker's connection, a release); default: a warning per outage. */
  onError?: (error: Error) => void;
}

const POSITION = new LuaScript(
  'position',
  // KEYS: wait list, prioritized set; ARGV: job id. Headway's jobs wait in the list, taken from its
  // tail (LPOS from there costs the jobs ahead); the prioritized set is read for jobs added before.
  `local rank = redis.call('ZRANK', KEYS[2], ARGV[1])
if rank then return redis.call('LLEN', KEYS[1]) + rank + 1 end
local i = redis.call('LPOS', KEYS[1], ARGV[1], 'RANK', -1)
if i then return redis.call('LLEN', KEYS[1]) - i end
return false`,
  2,
);

/**
 * Headway's scheduler on BullMQ 6: creating a task adds a job (job id = task id, job name = kind)
 * to its kind's queue, with `attempts` and a backoff that is Headway's retry policy; workers (this
 * scheduler with `work: true`) run the jobs of the kinds they define through the manager, so task
 * functions run unchanged. Concurrency per process and per kind fleet-wide, ordering, delays,
 * retries and stalled-job recovery are BullMQ's; queue positions are read from BullMQ's queue.
 */
export class BullMqScheduler implements Scheduler {
  readonly name = 'bullmq';
  readonly remote = true;
  readonly keys: KeyLayout;
  readonly endpoint: string;
  /** The bound within which a task whose worker died is given to another one (see `stalledJobBoundMs`). */
  readonly stalledJobBoundMs: number;
  private host: SchedulerHost | undefined;
  private readonly producer: Redis;
  private readonly queues = new Map<string, Queue>();
  private readonly limits = new Map<string, number>();
  private readonly kinds = new Set<string>();
  private readonly gate: DependencyGate;
  private readonly workers: KindWorkers | undefined;
  private readonly workerClient: Redis | undefined;
  private readonly reconciler: Reconciler | undefined;
  private readonly onError: (error: Error) => void;
  private readonly relay: RedisEventRelay | undefined;
  private stopping = false;

  constructor(options: BullMqSchedulerOptions = {}) {
    if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('options', options, 'an object');
    this.keys = new KeyLayout(options.prefix ?? 'headway');
    const concurrency = positiveInteger('concurrency', options.concurrency ?? 16);
    this.stalledJobBoundMs = positiveInteger('stalledJobBoundMs', options.stalledJobBoundMs ?? 30_000);
    const maxStalls = positiveInteger('maxStalls', options.maxStalls ?? 3);
    const cancelPollMs = positiveInteger('cancelPollMs', options.cancelPollMs ?? 2_000);
    const reconcileIntervalMs = options.reconcileIntervalMs ?? 60_000;
    if (reconcileIntervalMs !== 0) positiveInteger('reconcileIntervalMs', reconcileIntervalMs);
    for (const [kind, limit] of Object.entries(options.kindConcurrency ?? {})) this.limits.set(kind, positiveInteger(`kindConcurrency.${kind}`, limit));
    this.onError = options.onError ?? warnOncePerOutage();
    this.relay = options.relay;
    const producer = newClient(options.connection, { connectionName: 'headway-producer' });
    this.producer = producer.client;
    this.producer.on('error', () => undefined);
    this.endpoint = producer.endpoint;
    this.gate = new DependencyGate(this.producer, this.keys, () => this.requireHost(), (id, kind, retry) => this.enqueue(id, kind, retry));
    if (options.work) {
      this.workerClient = newClient(options.connection, { connectionName: 'headway-worker', maxRetriesPerRequest: null, lazyConnect: false }).client;
      this.workerClient.on('error', () => undefined);
      this.workers = new KindWorkers({
        keys: this.keys,
        client: this.workerClient,
        concurrency,
        lockDurationMs: Math.max(1, Math.round((this.stalledJobBoundMs * 2) / 3)),
        stalledIntervalMs: Math.max(1, Math.round(this.stalledJobBoundMs / 3)),
        maxStalls,
        cancelPollMs,
        host: () => this.requireHost(),
        onError: (error, where) => this.onError(this.failure(where, error)),
      });
    }
    if (reconcileIntervalMs > 0) {
      this.reconciler = new Reconciler({
        client: this.producer,
        keys: this.keys,
        intervalMs: reconcileIntervalMs,
        gate: this.gate,
        onError: (error) => this.onError(this.failure('reconcile', error)),
      });
    }
  }

  async start(host: SchedulerHost): Promise<void> {
    this.host = host;
    host.onFinished((record) => {
      this.gate.release(record).catch((error: Error) => this.onError(this.failure(`release of the tasks waiting for ${record.id}`, error)));
    });
    try {
      await connectClient(this.producer);
    } catch (error) {
      throw this.failure('connect', error);
    }
    if (this.workers) this.relay?.followControl();
    for (const kind of this.kinds) this.workers?.ensure(kind);
    for (const [kind, limit] of this.limits) await this.applyLimit(kind, limit);
    this.reconciler?.start();
  }

  async submit(record: Readonly<TaskRecord>, options: SubmitOptions): Promise<void> {
    if (this.stopping) throw new ShutdownError();
    if (record.dependsOn.length > 0) {
      await this.guard(`hold of task ${JSON.stringify(record.id)} for its dependencies`, () => this.gate.submit(record, options.retry));
      return;
    }
    try {
      await this.enqueue(record.id, record.kind, options.retry, options.delayMs);
    } catch (error) {
      // The create is not acknowledged: the record says why rather than staying queued with no job.
      await this.host?.failTask(record.id, error as Error).catch(() => undefined);
      throw error;
    }
  }

  runnable(kind: string): void {
    if (!this.workers) return;
    this.kinds.add(kind);
    if (this.host) this.workers.ensure(kind);
  }

  limitKind(kind: string, limit: number): void {
    this.limits.set(kind, positiveInteger(`concurrency of kind ${kind}`, limit));
    if (this.host) void this.applyLimit(kind, limit);
  }

  async cancel(taskId: string, reason: unknown): Promise<void> {
    const host = this.requireHost();
    host.abortAttempt(taskId, reason);
    await this.guard(`cancel of task ${JSON.stringify(taskId)}`, async () => {
      await this.gate.forget(taskId);
      const record = await host.read(taskId);
      // A waiting or delayed job is removed; an active one is left to its worker, which hears the cancel.
      if (record) await this.queue(record.kind).remove(taskId);
    });
  }

  async position(taskId: string, kind: string): Promise<number | undefined> {
    const name = this.keys.queueName(kind);
    const base = `${this.keys.base}:${name}`;
    const found = await this.guard(`position of task ${JSON.stringify(taskId)}`, () => POSITION.run(this.producer, [`${base}:wait`, `${base}:prioritized`], [taskId]));
    return typeof found === 'number' ? found : undefined;
  }

  /** Never: any process of the fleet may make a task's events, so the manager follows them through the relay. */
  holds(): boolean {
    return false;
  }

  /** What runs in this process. */
  stats(): SchedulerStats {
    return { queued: 0, running: this.workers?.running ?? 0, waiting: 0, delayed: 0 };
  }

  async shutdown(mode: 'drain' | 'abort', deadline: number): Promise<readonly string[]> {
    this.stopping = true;
    this.reconciler?.stop();
    if (this.workers) {
      // Closing stops fetching and waits for the running jobs; what is still running at the
      // deadline (or at once for `abort`) is interrupted and goes back to the queue.
      const closed = this.workers.close();
      if (mode === 'drain') await this.workers.idle(deadline);
      this.workers.abortAll(new ShutdownError());
      await closed;
    }
    await Promise.all([...this.queues.values()].map((q) => q.close().catch(() => undefined)));
    this.queues.clear();
    await closeClient(this.producer);
    if (this.workerClient) await closeClient(this.workerClient);
    return [];
  }

  private async enqueue(taskId: string, kind: string, retry: ResolvedRetryOptions, delayMs?: number): Promise<void> {
    await this.guard(() => `enqueue of task ${JSON.stringify(taskId)}`, () =>
      this.queue(kind).add(kind, { retry } satisfies JobData, {
        jobId: taskId,
        // No priority: jobs stay in BullMQ's wait list, its cheapest path (a position is one LPOS, O(n) in the jobs ahead).
        // Headway decides retries (`RetryLater`); the extra attempts are for runs Redis trouble broke.
        attempts: retry.maxAttempts + INFRASTRUCTURE_RETRIES,
        backoff: { type: 'headway' },
        removeOnComplete: true,
        removeOnFail: true,
        ...(delayMs !== undefined && delayMs > 0 && { delay: Math.ceil(delayMs) }),
      }),
    );
  }

  private queue(kind: string): Queue {
    let queue = this.queues.get(kind);
    if (!queue) {
      queue = new Queue(this.keys.queueName(kind), { connection: this.producer, prefix: this.keys.base });
      queue.on('error', () => undefined);
      this.queues.set(kind, queue);
    }
    return queue;
  }

  private async applyLimit(kind: string, limit: number): Promise<void> {
    await this.guard(`global concurrency of kind ${JSON.stringify(kind)}`, () => this.queue(kind).setGlobalConcurrency(limit)).catch(this.onError);
  }

  private requireHost(): SchedulerHost {
    if (!this.host) throw new Error('BullMqScheduler: not started (give it to a TaskManager)');
    return this.host;
  }

  /** Runs `fn`; a failure becomes a RedisStoreError naming `operation` (a function when naming it costs something). */
  private async guard<T>(operation: string | (() => string), fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw this.failure(typeof operation === 'function' ? operation() : operation, error);
    }
  }

  private failure(operation: string, error: unknown): Error {
    if (error instanceof RedisStoreError || error instanceof ShutdownError) return error;
    const detail = error instanceof Error ? error.message : String(error);
    return new RedisStoreError(`${this.endpoint} (prefix ${this.keys.base})`, operation, detail, { cause: error });
  }
}

function positiveInteger(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) throw new InvalidArgumentError(name, value, 'a whole number of 1 or more');
  return value;
}

/** The default `onError`: one process warning per outage (a burst of errors within 30 s counts as one). */
function warnOncePerOutage(): (error: Error) => void {
  let last = 0;
  return (error) => {
    const now = Date.now();
    if (now - last < 30_000) return;
    last = now;
    process.emitWarning(`${error.message}. Headway keeps retrying; further errors within 30 s are not repeated.`, 'HeadwayRedisWarning');
  };
}
