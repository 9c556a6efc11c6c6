import { performance } from 'node:perf_hooks';
import {
  DependencyFailedError,
  InterruptedError,
  InvalidArgumentError,
  ShutdownError,
  TaskCancelledError,
  TaskLimitError,
  TaskNotFoundError,
  TaskResultError,
  TaskTimeoutError,
} from '../errors.js';
import type { TaskEvent, TaskEventBody } from '../events.js';
import type { Executor, ModuleHandler } from '../executor/executor.js';
import type { TaskFunction } from '../context.js';
import type { Reporter } from '../reporter.js';
import { InProcessExecutor } from '../executor/in-process-executor.js';
import { EventHub } from '../hub/event-hub.js';
import type { ChannelStats } from '../hub/event-hub.js';
import { newTaskId } from '../ids.js';
import { resolveProgressOptions } from '../progress/progress-options.js';
import type { ResolvedProgressOptions } from '../progress/progress-options.js';
import { MemoryTaskStore } from '../store/memory-store.js';
import { ANY_OWNER } from '../store/task-store.js';
import type { ListPage, ListQuery, OwnerScope, TaskStore, UpdateResult } from '../store/task-store.js';
import { ACTIVE_STATUSES, TASK_STATUSES, isTerminal, toErrorInfo } from '../task-record.js';
import type { TaskPatch, TaskRecord } from '../task-record.js';
import {
  checkBoolean,
  checkNonEmptyString,
  checkNonNegative,
  checkPlainObject,
  checkPositive,
} from '../validate.js';
import {
  checkHandler,
  checkManagerOptions,
  checkReporters,
  checkTimeout,
  checkTtl,
} from './manager-options.js';
import type {
  CreateTaskOptions,
  OwnerOption,
  TaskDefinitionOptions,
  TaskHandler,
  TaskManagerOptions,
} from './manager-options.js';
import { ResourceMeter } from './resource-meter.js';
import { backoffDelay, isRetryable, resolveRetry } from './retry-policy.js';
import type { ResolvedRetryOptions } from './retry-policy.js';
import { RunQueue } from './run-queue.js';
import { AttemptRun } from './attempt-run.js';
import { abortAttempt } from './active-task.js';
import type { ActiveTask } from './active-task.js';
import { TaskHandle } from './task-handle.js';

const HOUR = 3_600_000;
const MAX_DEPENDENCIES = 1000;
// A waiter on a task this manager does not run itself (another process) re-reads the store this often.
const REMOTE_WAIT_POLL_MS = 250;

interface Definition {
  readonly kind: string;
  readonly fn?: TaskFunction;
  readonly handler?: ModuleHandler;
  readonly options: TaskDefinitionOptions;
  /** The kind's retry policy over the manager's, resolved once. */
  readonly retry: ResolvedRetryOptions | undefined;
}

type Waiter = (record: TaskRecord) => void;

/**
 * Creates, schedules, runs, cancels, retries, times out, expires and recovers tasks.
 * The only writer of task state; one per server.
 */
export class TaskManager {
  readonly store: TaskStore;
  readonly hub: EventHub;
  private readonly executor: Executor;
  private readonly definitions = new Map<string, Definition>();
  private readonly active = new Map<string, ActiveTask>();
  private readonly dependents = new Map<string, Set<ActiveTask>>();
  private readonly waiters = new Map<string, Set<Waiter>>();
  private readonly reservations = new Map<string, number>();
  private readonly queue: RunQueue<ActiveTask>;
  private readonly meter = new ResourceMeter();
  private readonly progressOptions: ResolvedProgressOptions;
  private readonly retry: ResolvedRetryOptions;
  private readonly defaultTtlMs: number;
  private readonly maxTtlMs: number;
  private readonly maxActivePerOwner: number;
  private readonly defaultTimeoutMs: number | undefined;
  private readonly resourcesEnabled: boolean;
  private readonly resourcesIntervalMs: number;
  private readonly sweepIntervalMs: number;
  readonly defaultOwner: string;
  private ready?: Promise<void>;
  private started = false;
  private ticker?: ReturnType<typeof setInterval>;
  private sweeper?: ReturnType<typeof setInterval>;
  private stopping = false;
  private stopped?: Promise<void>;
  private idleWaiters: (() => void)[] = [];

  constructor(options: TaskManagerOptions = {}) {
    checkManagerOptions(options);
    this.store = options.store ?? new MemoryTaskStore();
    this.executor = options.executor ?? new InProcessExecutor();
    this.hub = new EventHub(options.reporters ?? [], options.hub);
    this.progressOptions = resolveProgressOptions(options.progress);
    this.retry = resolveRetry(options.retry);
    this.maxTtlMs = options.maxTtlMs ?? 24 * HOUR;
    this.defaultTtlMs = Math.min(options.defaultTtlMs ?? HOUR, this.maxTtlMs);
    this.maxActivePerOwner = options.maxActivePerOwner ?? 10_000;
    this.defaultTimeoutMs = options.defaultTimeoutMs;
    this.resourcesEnabled = options.resources?.enabled ?? true;
    this.resourcesIntervalMs = options.resources?.intervalMs ?? 5_000;
    this.sweepIntervalMs = options.sweepIntervalMs ?? 60_000;
    this.defaultOwner = options.defaultOwner ?? 'local';
    const kindLimits = options.kindConcurrency ?? {};
    this.queue = new RunQueue<ActiveTask>(
      options.concurrency ?? 64,
      (kind) => this.definitions.get(kind)?.options.concurrency ?? kindLimits[kind] ?? Infinity,
      (task) => void this.runAttempt(task),
    );
  }

  /** Opens the store and recovers unfinished tasks. Called implicitly by every other method. */
  start(): Promise<void> {
    return (this.ready ??= this.recover().then(() => {
      this.started = true;
    }));
  }

  /** Registers how tasks of `kind` run. Recovered tasks of that kind waiting for it start now. */
  define<I = unknown, R = unknown>(kind: string, handler: TaskHandler<I, R>, options: TaskDefinitionOptions = {}): void {
    checkNonEmptyString('kind', kind);
    checkHandler(handler);
    if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('options', options, 'an object');
    if (options.concurrency !== undefined && options.concurrency !== Infinity) checkPositive('concurrency', options.concurrency);
    checkTimeout('timeoutMs', options.timeoutMs);
    checkTtl(options.ttlMs, this.maxTtlMs);
    resolveRetry(options.retry);
    checkReporters('reporters', options.reporters);
    if (this.definitions.has(kind)) throw new InvalidArgumentError('kind', kind, 'a kind not defined yet');
    const retry = options.retry ? resolveRetry(options.retry, this.retry) : undefined;
    const definition: Definition =
      typeof handler === 'function'
        ? { kind, fn: handler as TaskFunction, options, retry }
        : { kind, handler: handler as ModuleHandler, options, retry };
    this.definitions.set(kind, definition);
    for (const reporter of options.reporters ?? []) this.hub.add(reporter, { kind });
    for (const task of this.active.values()) {
      if (task.stage === 'orphan' && task.kind === kind) {
        this.bind(task, definition);
        this.schedule(task);
      }
    }
  }

  /** Creates a task; resolves once the store has it (durably, for durable stores). */
  async create<I = unknown, R = unknown>(options: CreateTaskOptions<I>): Promise<TaskHandle<R>> {
    const spec = this.checkCreate(options);
    if (!this.started) await this.start();
    if (this.stopping) throw new ShutdownError();
    const owner = spec.owner;
    this.reserve(owner, 1);
    try {
      const counted = this.store.countActive(owner);
      const active = typeof counted === 'number' ? counted : await counted;
      if (active + this.reservedBeyondOne(owner) >= this.maxActivePerOwner) {
        throw new TaskLimitError(`Owner already has ${active} unfinished tasks (limit ${this.maxActivePerOwner})`);
      }
      const dependsOn = spec.dependsOn;
      if (dependsOn.length > 0) await this.checkDependencies(dependsOn, owner);
      const definition = this.definitions.get(spec.kind);
      const retry = resolveRetry(spec.retry, definition?.retry ?? this.retry);
      const now = Date.now();
      const timeoutMs = spec.timeoutMs ?? definition?.options.timeoutMs ?? this.defaultTimeoutMs;
      // Every field present, in one order: records share one hidden class, so copies are cheap.
      const record: TaskRecord = {
        id: newTaskId(),
        owner,
        kind: spec.kind,
        seq: this.store.nextSeq(),
        status: 'queued',
        input: spec.input,
        metadata: spec.metadata,
        progress: 0,
        statusMessage: undefined,
        result: undefined,
        error: undefined,
        attempt: 1,
        maxAttempts: retry.maxAttempts,
        createdAt: now,
        startedAt: undefined,
        finishedAt: undefined,
        ttlMs: spec.ttlMs ?? definition?.options.ttlMs ?? this.defaultTtlMs,
        expiresAt: undefined,
        timeoutMs,
        dependsOn,
        runOnDependencyFailure: spec.runOnDependencyFailure ?? false,
        resumable: spec.resumable ?? definition?.options.resumable ?? false,
        checkpoint: undefined,
        nextAttemptAt: undefined,
      };
      const stored = this.store.create(record);
      if (stored) await stored;
      const task = this.track(record, retry);
      if (spec.fn) task.fn = spec.fn as TaskFunction;
      else if (definition) this.bind(task, definition);
      if (spec.reporters?.length) this.hub.attach(record.id, spec.reporters);
      if (spec.sharedReporters?.length) this.hub.attach(record.id, spec.sharedReporters, { close: false });
      this.emit(task, { type: 'created', metadata: record.metadata, dependsOn, ttlMs: record.ttlMs, maxAttempts: record.maxAttempts });
      if (spec.deferred && !spec.fn) task.stage = 'deferred';
      else if (!task.fn && !task.handler) task.stage = 'orphan';
      else {
        const scheduled = this.schedule(task);
        if (scheduled) await scheduled;
      }
      return new TaskHandle<R>(this, record.id, owner, record.kind);
    } finally {
      this.reserve(owner, -1);
    }
  }

  /**
   * Runs a task created with `deferred: true` (or recovered with no definition) with `fn`.
   * `input`, when given, replaces the input stored at creation.
   */
  async execute<I = unknown, R = unknown>(
    task: TaskHandle | string,
    fn: TaskFunction<I, R>,
    input?: I,
    options: OwnerOption = {},
  ): Promise<TaskHandle<R>> {
    const id = typeof task === 'string' ? task : task?.id;
    const owner = this.ownerOf(typeof task === 'string' ? options.owner : (task?.owner ?? options.owner));
    checkNonEmptyString('task id', id);
    if (typeof fn !== 'function') throw new InvalidArgumentError('fn', fn, 'a task function (input, ctx) => result');
    await this.start();
    const entry = this.active.get(id);
    if (!entry || entry.owner !== owner) {
      if (await this.store.get(id, owner)) {
        throw new InvalidArgumentError('task', id, 'a deferred task that has not been executed yet');
      }
      throw new TaskNotFoundError(id);
    }
    if (entry.stage !== 'deferred' && entry.stage !== 'orphan') {
      throw new InvalidArgumentError('task', id, 'a deferred task that has not been executed yet');
    }
    entry.fn = fn as TaskFunction;
    if (input !== undefined) {
      const updated = await this.store.update(id, { input }, { expect: ['queued'] });
      if (!updated.ok) throw new InvalidArgumentError('task', id, 'a deferred task that is still queued');
      entry.record = updated.record;
    }
    await this.schedule(entry);
    return new TaskHandle<R>(this, id, owner, entry.kind);
  }

  /** The task's record, or undefined when there is no such task for this owner. */
  async get(id: string, options: { owner?: OwnerScope } = {}): Promise<TaskRecord | undefined> {
    if (typeof id !== 'string') throw new InvalidArgumentError('task id', id, 'a string');
    const owner = this.scopeOf(options.owner);
    await this.start();
    const record = await this.store.get(id, owner);
    if (record?.status === 'queued') {
      const task = this.active.get(id);
      const position = task && this.queue.positionOf(task);
      if (position !== undefined) record.queuePosition = position;
    }
    return record;
  }

  /** A handle for an existing task of this owner. */
  async handle<R = unknown>(id: string, options: OwnerOption = {}): Promise<TaskHandle<R>> {
    const owner = this.ownerOf(options.owner);
    const record = await this.get(id, { owner });
    if (!record) throw new TaskNotFoundError(id);
    return new TaskHandle<R>(this, id, owner, record.kind);
  }

  /** One page of this owner's tasks in creation order. */
  async list(query: Partial<ListQuery> = {}): Promise<ListPage> {
    if (typeof query !== 'object' || query === null) throw new InvalidArgumentError('list query', query, 'an object');
    const owner = this.scopeOf(query.owner);
    if (query.status !== undefined) {
      if (!Array.isArray(query.status)) throw new InvalidArgumentError('status', query.status, 'an array of statuses');
      for (const s of query.status) {
        if (!TASK_STATUSES.includes(s)) throw new InvalidArgumentError('status', s, TASK_STATUSES.join(', '));
      }
    }
    if (query.kind !== undefined) checkNonEmptyString('kind', query.kind);
    await this.start();
    return this.store.list({ ...query, owner });
  }

  /**
   * Resolves with the record once the task is terminal, or with its current state once
   * `timeoutMs` passed or `signal` aborted. Rejects with `TaskNotFoundError` for unknown ids.
   */
  async wait(
    id: string,
    options: { owner?: OwnerScope; timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<TaskRecord> {
    if (options.timeoutMs !== undefined) checkNonNegative('timeoutMs', options.timeoutMs);
    if (typeof id !== 'string') throw new InvalidArgumentError('task id', id, 'a string');
    const owner = this.scopeOf(options.owner);
    if (!this.started) await this.start();
    // Straight from the store: a waiter has no use for the queue position, which costs a scan.
    const record = await this.store.get(id, owner);
    if (!record) throw new TaskNotFoundError(id);
    if (isTerminal(record.status) || options.timeoutMs === 0 || options.signal?.aborted) return record;
    return new Promise<TaskRecord>((resolve) => {
      let poll: ReturnType<typeof setInterval> | undefined;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const finish = (latest: TaskRecord) => {
        set?.delete(waiter);
        if (set?.size === 0) this.waiters.delete(id);
        clearTimeout(timer);
        clearInterval(poll);
        options.signal?.removeEventListener('abort', onAbort);
        resolve(latest);
      };
      const current = () => this.get(id, { owner }).then((r) => finish(r ?? record), () => finish(record));
      const waiter: Waiter = (latest) => finish(latest);
      const onAbort = () => void current();
      let set = this.waiters.get(id);
      if (!set) this.waiters.set(id, (set = new Set()));
      set.add(waiter);
      if (options.timeoutMs !== undefined) timer = setTimeout(() => void current(), options.timeoutMs);
      options.signal?.addEventListener('abort', onAbort, { once: true });
      // Not running here: it finished meanwhile, or another process runs it. Read the store now, then poll.
      if (!this.active.has(id)) {
        const check = async () => {
          const latest = await this.store.get(id, owner).catch(() => undefined);
          if (!latest || isTerminal(latest.status)) finish(latest ?? record);
        };
        void check();
        poll = setInterval(check, REMOTE_WAIT_POLL_MS);
        poll.unref?.();
      }
    });
  }

  /**
   * Cancels a queued or running task: its signal aborts and it is `cancelled` before this
   * resolves; a late result is discarded. A finished task is returned unchanged.
   */
  async cancel(id: string, options: { owner?: OwnerScope; reason?: string } = {}): Promise<TaskRecord> {
    if (typeof id !== 'string') throw new InvalidArgumentError('task id', id, 'a string');
    const reason = options.reason ?? 'Cancelled by request';
    if (typeof reason !== 'string') throw new InvalidArgumentError('reason', reason, 'a string');
    const owner = this.scopeOf(options.owner);
    await this.start();
    const current = await this.store.get(id, owner);
    if (!current) throw new TaskNotFoundError(id);
    if (isTerminal(current.status)) return current;
    const cancelled = await this.finish(id, 'cancelled', { reason });
    return cancelled ? { ...cancelled } : ((await this.store.get(id, owner)) ?? current);
  }

  /**
   * Stops the manager. `drain` (default) lets queued and running tasks finish within
   * `timeoutMs`, then aborts what is left; `abort` aborts at once. With a durable store,
   * interrupted tasks stay unfinished and are recovered at the next start.
   */
  shutdown(options: { mode?: 'drain' | 'abort'; timeoutMs?: number } = {}): Promise<void> {
    const mode = options.mode ?? 'drain';
    if (mode !== 'drain' && mode !== 'abort') throw new InvalidArgumentError('mode', mode, 'drain or abort');
    const timeoutMs = options.timeoutMs ?? 30_000;
    checkNonNegative('timeoutMs', timeoutMs);
    return (this.stopped ??= this.stop(mode, timeoutMs));
  }

  /**
   * Attaches reporters to a task that is still unfinished in this manager, until it ends. Returns
   * false (attaching nothing) when it is finished, unknown, another owner's, or run elsewhere.
   * The check and the attachment are one synchronous step, so no terminal event slips between them.
   */
  watch(id: string, reporters: readonly Reporter[], options: { owner?: OwnerScope } = {}): boolean {
    if (typeof id !== 'string') throw new InvalidArgumentError('task id', id, 'a string');
    checkReporters('reporters', reporters);
    const owner = this.scopeOf(options.owner);
    const task = this.active.get(id);
    if (!task || task.stage === 'done' || (owner !== ANY_OWNER && task.owner !== owner)) return false;
    this.hub.attach(id, reporters);
    return true;
  }

  /** Delivery statistics per global reporter. */
  reporterStats(): ChannelStats[] {
    return this.hub.stats();
  }

  /** Counts of tasks this manager holds in memory, by stage. */
  stats(): { running: number; queued: number; waiting: number; active: number } {
    let queued = 0;
    let waiting = 0;
    for (const task of this.active.values()) {
      if (task.stage === 'queued' || task.stage === 'backoff') queued++;
      else if (task.stage === 'waiting') waiting++;
    }
    return { running: this.queue.runningCount, queued, waiting, active: this.active.size };
  }

  // ── creation ──────────────────────────────────────────────────────────────

  private checkCreate<I>(options: CreateTaskOptions<I>) {
    checkPlainObject('create options', options);
    const kind = checkNonEmptyString('kind', options.kind);
    const owner = this.ownerOf(options.owner);
    const metadata = options.metadata === undefined ? {} : checkPlainObject('metadata', options.metadata);
    if (options.fn !== undefined && typeof options.fn !== 'function') {
      throw new InvalidArgumentError('fn', options.fn, 'a task function (input, ctx) => result');
    }
    checkTtl(options.ttlMs, this.maxTtlMs);
    checkTimeout('timeoutMs', options.timeoutMs);
    if (options.retry !== undefined) resolveRetry(options.retry);
    if (options.resumable !== undefined) checkBoolean('resumable', options.resumable);
    if (options.runOnDependencyFailure !== undefined) checkBoolean('runOnDependencyFailure', options.runOnDependencyFailure);
    if (options.deferred !== undefined) checkBoolean('deferred', options.deferred);
    checkReporters('reporters', options.reporters);
    checkReporters('sharedReporters', options.sharedReporters);
    let dependsOn: readonly string[] = EMPTY;
    if (options.dependsOn !== undefined) {
      if (!Array.isArray(options.dependsOn) || options.dependsOn.length > MAX_DEPENDENCIES) {
        throw new InvalidArgumentError('dependsOn', options.dependsOn, `an array of at most ${MAX_DEPENDENCIES} task ids`);
      }
      options.dependsOn.forEach((d, i) => checkNonEmptyString(`dependsOn[${i}]`, d));
      if (new Set(options.dependsOn).size !== options.dependsOn.length) {
        throw new InvalidArgumentError('dependsOn', options.dependsOn, 'task ids without repeats');
      }
      if (options.dependsOn.length > 0) dependsOn = Object.freeze([...options.dependsOn]);
    }
    return {
      kind,
      owner,
      metadata,
      dependsOn,
      input: options.input,
      fn: options.fn,
      ttlMs: options.ttlMs,
      timeoutMs: options.timeoutMs,
      retry: options.retry,
      resumable: options.resumable,
      runOnDependencyFailure: options.runOnDependencyFailure,
      reporters: options.reporters,
      sharedReporters: options.sharedReporters,
      deferred: options.deferred,
    };
  }

  /** Every dependency exists for this owner, and the graph below them has no cycle. */
  private async checkDependencies(dependsOn: readonly string[], owner: string): Promise<void> {
    const graph = new Map<string, readonly string[]>();
    for (const id of dependsOn) {
      const record = await this.store.get(id, owner);
      if (!record) throw new InvalidArgumentError('dependsOn', id, 'the id of an existing task of the same owner');
      graph.set(id, record.dependsOn);
    }
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = async (id: string, path: string[]): Promise<void> => {
      const seen = state.get(id);
      if (seen === 'done') return;
      if (seen === 'visiting') {
        throw new InvalidArgumentError('dependsOn', dependsOn, `an acyclic graph (cycle: ${[...path, id].join(' -> ')})`);
      }
      state.set(id, 'visiting');
      let next = graph.get(id);
      if (!next) {
        next = (await this.store.get(id, ANY_OWNER))?.dependsOn ?? EMPTY;
        graph.set(id, next);
      }
      for (const dep of next) await visit(dep, [...path, id]);
      state.set(id, 'done');
    };
    for (const id of dependsOn) await visit(id, []);
  }

  private track(record: TaskRecord, retry: ResolvedRetryOptions): ActiveTask {
    const task: ActiveTask = {
      id: record.id,
      owner: record.owner,
      kind: record.kind,
      seq: record.seq,
      record,
      executor: this.executor,
      retry,
      stage: 'waiting',
      queued: false,
      pendingDependencies: 0,
      queuedAt: Date.now(),
      resumed: false,
      recovered: false,
      attemptToken: 0,
      settledToken: 0,
      slotHeld: false,
      lastEventAt: performance.now(),
      lastResourcesAt: 0,
      // Every field present from the start: one hidden class for all tasks keeps property access monomorphic.
      fn: undefined,
      handler: undefined,
      controller: undefined,
      abortReason: undefined,
      timer: undefined,
      context: undefined,
      meter: undefined,
      dependencyResults: undefined,
      progressWrite: undefined,
      progress: record.progress,
      statusMessage: record.statusMessage,
    };
    this.active.set(record.id, task);
    return task;
  }

  private bind(task: ActiveTask, definition: Definition): void {
    if (definition.fn) task.fn = definition.fn;
    if (definition.handler) task.handler = definition.handler;
    if (definition.options.executor) task.executor = definition.options.executor;
  }

  /** Waits for dependencies or queues the task (synchronously when it has none). */
  private schedule(task: ActiveTask): Promise<void> | undefined {
    task.stage = 'waiting';
    if (task.record.dependsOn.length === 0) {
      this.enqueue(task);
      return undefined;
    }
    return this.scheduleAfterDependencies(task);
  }

  private async scheduleAfterDependencies(task: ActiveTask): Promise<void> {
    const deps = task.record.dependsOn;
    let pending = 0;
    const settled: string[] = [];
    for (const dep of deps) {
      if (this.active.has(dep)) {
        pending++;
        let set = this.dependents.get(dep);
        if (!set) this.dependents.set(dep, (set = new Set()));
        set.add(task);
      } else settled.push(dep);
    }
    task.pendingDependencies = pending;
    for (const dep of settled) {
      const record = await this.store.get(dep, ANY_OWNER);
      if (record?.status !== 'completed' && !task.record.runOnDependencyFailure) {
        await this.failForDependency(task, dep, record?.status ?? 'missing');
        return;
      }
    }
    if (task.pendingDependencies === 0 && task.stage === 'waiting') this.enqueue(task);
  }

  private enqueue(task: ActiveTask): void {
    task.stage = 'queued';
    task.queuedAt = Date.now();
    this.queue.push(task);
  }

  // ── running ───────────────────────────────────────────────────────────────

  private async runAttempt(task: ActiveTask): Promise<void> {
    task.stage = 'running';
    task.slotHeld = true;
    const token = ++task.attemptToken;
    task.controller = undefined;
    task.abortReason = undefined;
    const startedAt = Date.now();
    let started: UpdateResult;
    try {
      started = await this.store.update(task.id, { status: 'working', startedAt, attempt: task.record.attempt }, { expect: ['queued'] });
    } catch (error) {
      await this.settle(task, token, { error });
      return;
    }
    if (!started.ok || task.attemptToken !== token || task.stage !== 'running') {
      this.releaseSlot(task);
      return;
    }
    task.record = started.record;
    if (task.record.dependsOn.length > 0 && !task.dependencyResults) {
      task.dependencyResults = await this.collectDependencyResults(task.record.dependsOn);
      // Cancelled (or otherwise settled) while the results were read: it must not start.
      if (!this.isCurrent(task, token) || task.stage !== 'running') {
        this.releaseSlot(task);
        return;
      }
    }
    const startedEvent: { type: 'started'; queueWaitMs: number; resumed?: boolean; metadata?: TaskRecord['metadata'] } = {
      type: 'started',
      queueWaitMs: startedAt - task.queuedAt,
    };
    if (task.resumed) startedEvent.resumed = true;
    if (task.recovered) {
      startedEvent.metadata = task.record.metadata;
      task.recovered = false;
    }
    this.emit(task, startedEvent);
    const executor = task.executor;
    if (this.resourcesEnabled && !executor.measuresResources) {
      task.meter = this.meter.begin();
      task.lastResourcesAt = performance.now();
      this.emit(task, this.meter.sample(task.meter, 'start'));
    }
    const timeoutMs = task.record.timeoutMs;
    if (timeoutMs !== undefined) {
      task.timer = setTimeout(() => {
        const error = new TaskTimeoutError(timeoutMs);
        abortAttempt(task, error);
        void this.settle(task, token, { error });
      }, timeoutMs);
      task.timer.unref?.();
    }
    let outcome: { result?: unknown; error?: unknown };
    try {
      outcome = { result: await executor.execute(new AttemptRun(this, task, token, this.progressOptions)) };
    } catch (error) {
      outcome = { error };
    }
    await this.settle(task, token, outcome);
  }

  /** @internal AttemptHost: whether callbacks of this attempt still count. */
  isCurrent(task: ActiveTask, token: number): boolean {
    return task.attemptToken === token && task.settledToken !== token;
  }

  /** @internal AttemptHost */
  report(task: ActiveTask, token: number, body: TaskEventBody): void {
    if (this.isCurrent(task, token)) this.emit(task, body);
  }

  /** @internal AttemptHost */
  async saveCheckpoint(task: ActiveTask, token: number, signal: AbortSignal, state: unknown): Promise<void> {
    if (!this.isCurrent(task, token)) throw signal.reason ?? new TaskCancelledError();
    const updated = await this.store.update(task.id, { checkpoint: state }, { expect: ACTIVE_STATUSES });
    if (!updated.ok) throw signal.reason ?? new TaskCancelledError();
    task.record = updated.record;
    this.report(task, token, { type: 'checkpoint', state });
  }

  /** @internal AttemptHost */
  setStatus(task: ActiveTask, token: number, status: 'input_required' | 'working', message?: string): void {
    if (!this.isCurrent(task, token)) return;
    const patch: TaskPatch = { status, ...(message !== undefined && { statusMessage: message }) };
    void this.store.update(task.id, patch, { expect: status === 'working' ? ['input_required'] : ['working'] }).then((updated) => {
      if (!updated.ok) return;
      task.record = updated.record;
      this.report(task, token, { type: 'status', status, ...(message !== undefined && { message }) });
    }, () => undefined);
  }

  /** Ends an attempt exactly once: releases its slot, then completes, retries or fails the task. */
  private async settle(task: ActiveTask, token: number, outcome: { result?: unknown; error?: unknown }): Promise<void> {
    if (task.settledToken === token || task.attemptToken !== token) return;
    task.settledToken = token;
    clearTimeout(task.timer);
    task.timer = undefined;
    if (task.meter) {
      const usage = this.meter.end(task.meter);
      task.meter = undefined;
      this.emit(task, usage);
    }
    this.releaseSlot(task);
    if (task.stage === 'done') return;
    if (!('error' in outcome)) {
      await this.finish(task.id, 'completed', { result: outcome.result });
      return;
    }
    this.keepReachedProgress(task);
    task.context?.usedProgress?.close();
    task.context = undefined;
    const error = outcome.error;
    if (this.stopping && this.store.durable && task.abortReason instanceof ShutdownError) {
      // Interrupted by shutdown: leave the record unfinished for the next start to recover.
      // Any other outcome during a drain (a real error, a timeout) is recorded as usual.
      task.stage = 'done';
      this.forget(task);
      return;
    }
    const attempt = task.record.attempt;
    if (!(error instanceof ShutdownError) && attempt < task.retry.maxAttempts && isRetryable(error)) {
      await this.scheduleRetry(task, error);
      return;
    }
    await this.finish(task.id, 'failed', { error });
  }

  private async scheduleRetry(task: ActiveTask, error: unknown): Promise<void> {
    const nextAttempt = task.record.attempt + 1;
    const delayMs = backoffDelay(task.retry, nextAttempt);
    const info = toErrorInfo(error);
    const updated = await this.store.update(
      task.id,
      { status: 'queued', attempt: nextAttempt, error: info, nextAttemptAt: Date.now() + delayMs },
      { expect: ['working', 'input_required'] },
    );
    if (!updated.ok) return;
    this.emit(task, { type: 'retrying', error: info, delayMs, nextAttempt, progress: task.progress });
    task.record = updated.record;
    task.stage = 'backoff';
    task.resumed = false;
    task.timer = setTimeout(() => {
      task.timer = undefined;
      if (task.stage === 'backoff') this.enqueue(task);
    }, delayMs);
    task.timer.unref?.();
  }

  private releaseSlot(task: ActiveTask): void {
    if (!task.slotHeld) return;
    task.slotHeld = false;
    this.queue.release(task);
  }

  // ── finishing ─────────────────────────────────────────────────────────────

  /**
   * Moves a task to a terminal status with compare-and-set; the single path for completion,
   * failure and cancellation. Returns the final record, or undefined when it was already terminal.
   */
  private async finish(
    id: string,
    status: 'completed' | 'failed' | 'cancelled',
    detail: { result?: unknown; error?: unknown; reason?: string },
  ): Promise<TaskRecord | undefined> {
    const task = this.active.get(id);
    const finishedAt = Date.now();
    const existing = task?.record ?? (await this.store.get(id, ANY_OWNER));
    if (!existing) return undefined;
    const patch: TaskPatch = { status, finishedAt, expiresAt: finishedAt + existing.ttlMs };
    if (status === 'completed') {
      patch.result = detail.result;
      patch.progress = 100;
    } else if (status === 'failed') {
      patch.error = toErrorInfo(detail.error);
      if (detail.error instanceof TaskResultError) patch.result = detail.error.result;
    } else {
      patch.error = { name: 'TaskCancelledError', message: detail.reason ?? 'Cancelled', code: 'cancelled' };
    }
    const updated = await this.store.update(id, patch, { expect: ACTIVE_STATUSES });
    if (!updated.ok) return undefined;
    const record = updated.record;
    const durationMs = finishedAt - (record.startedAt ?? record.createdAt);
    const subject = task ?? record;
    if (task) {
      task.stage = 'done';
      task.queued = false;
      clearTimeout(task.timer);
      task.timer = undefined;
      if (status === 'cancelled') {
        this.keepReachedProgress(task);
        task.context?.usedProgress?.close();
        abortAttempt(task, new TaskCancelledError(detail.reason));
        if (task.slotHeld) {
          task.settledToken = task.attemptToken;
          if (task.meter) {
            const usage = this.meter.end(task.meter);
            task.meter = undefined;
            this.emit(task, usage);
          }
          this.releaseSlot(task);
        }
      }
    }
    if (status === 'completed') {
      // The attempt is settled, so its own reporter can no longer emit: deliver the final 100 here.
      const progress = task?.context?.usedProgress;
      progress?.close();
      if (progress?.lastEmitted !== 100) {
        const message = progress?.lastMessage;
        this.emitFor(subject, record.attempt, { type: 'progress', progress: 100, ...(message !== undefined && { message }) });
      }
      this.emitFor(subject, record.attempt, { type: 'completed', result: record.result, durationMs });
    } else if (status === 'failed') {
      this.emitFor(subject, record.attempt, { type: 'failed', error: record.error!, durationMs, progress: task?.progress ?? record.progress });
    } else {
      this.emitFor(subject, record.attempt, { type: 'cancelled', reason: detail.reason ?? 'Cancelled', durationMs, progress: task?.progress ?? record.progress });
    }
    if (task) this.forget(task);
    this.notifyFinished(record);
    return record;
  }

  private forget(task: ActiveTask): void {
    this.active.delete(task.id);
    task.context = undefined;
    this.wakeIdle();
  }

  private notifyFinished(record: TaskRecord): void {
    const waiting = this.waiters.get(record.id);
    if (waiting) {
      this.waiters.delete(record.id);
      for (const waiter of waiting) waiter({ ...record });
    }
    const dependents = this.dependents.get(record.id);
    if (!dependents) return;
    this.dependents.delete(record.id);
    for (const dependent of dependents) {
      if (dependent.stage !== 'waiting') continue;
      if (record.status === 'completed' || dependent.record.runOnDependencyFailure) {
        if (--dependent.pendingDependencies === 0) this.enqueue(dependent);
      } else {
        void this.failForDependency(dependent, record.id, record.status);
      }
    }
  }

  private failForDependency(task: ActiveTask, dependencyId: string, status: string): Promise<unknown> {
    task.stage = 'done';
    return this.finish(task.id, 'failed', { error: new DependencyFailedError(dependencyId, status) });
  }

  private async collectDependencyResults(dependsOn: readonly string[]): Promise<Record<string, unknown>> {
    const results: Record<string, unknown> = {};
    for (const id of dependsOn) {
      const record = await this.store.get(id, ANY_OWNER);
      if (record?.status === 'completed') results[id] = record.result;
    }
    return Object.freeze(results);
  }

  // ── events ────────────────────────────────────────────────────────────────

  private emit(task: ActiveTask, body: TaskEventBody): void {
    task.lastEventAt = performance.now();
    if (body.type === 'progress' && !body.heartbeat) this.persistProgress(task, body.progress, body.message);
    this.emitFor(task, task.record.attempt, body);
  }

  /** Stamps the body (always a fresh object) in place and publishes it. */
  private emitFor(subject: { id: string; owner: string; kind: string }, attempt: number, body: TaskEventBody): void {
    const event = body as TaskEventBody & { -readonly [K in keyof TaskEvent]: TaskEvent[K] };
    event.taskId = subject.id;
    event.owner = subject.owner;
    event.kind = subject.kind;
    event.at = Date.now();
    event.attempt = attempt;
    this.hub.publish(event as TaskEvent);
  }

  /**
   * Progress reached but not yet delivered (throttled) when the attempt ends, so the `failed`,
   * `cancelled` and `retrying` events tell where the task really got to.
   */
  private keepReachedProgress(task: ActiveTask): void {
    const reached = task.context?.usedProgress?.value;
    if (reached !== undefined && reached > task.progress) task.progress = reached;
  }

  /** Writes the latest delivered progress to the store, one write in flight per task. */
  private persistProgress(task: ActiveTask, progress: number, message: string | undefined): void {
    task.progress = progress;
    if (message !== undefined) task.statusMessage = message;
    if (task.progressWrite) {
      task.progressWrite = 'dirty';
      return;
    }
    task.progressWrite = 'busy';
    const write = (): void => {
      const patch: TaskPatch = { progress: task.progress };
      if (task.statusMessage !== undefined) patch.statusMessage = task.statusMessage;
      this.store.update(task.id, patch, { expect: ['working', 'input_required'] }).then(
        () => {
          if (task.progressWrite === 'dirty' && this.active.has(task.id)) {
            task.progressWrite = 'busy';
            write();
          } else task.progressWrite = undefined;
        },
        () => {
          task.progressWrite = undefined;
        },
      );
    };
    write();
  }

  // ── timers: heartbeats, running resource samples, sweeping ───────────────

  private startTimers(): void {
    const heartbeatMs = this.progressOptions.heartbeatMs;
    const tickMs = Math.max(50, Math.min(heartbeatMs > 0 ? heartbeatMs / 2 : Infinity, this.resourcesIntervalMs));
    this.ticker = setInterval(() => this.tick(heartbeatMs), tickMs);
    this.ticker.unref?.();
    this.sweeper = setInterval(() => void this.store.sweep(Date.now()).catch(() => 0), this.sweepIntervalMs);
    this.sweeper.unref?.();
  }

  private tick(heartbeatMs: number): void {
    if (this.queue.runningCount === 0) return;
    const now = performance.now();
    for (const task of this.active.values()) {
      if (task.stage !== 'running' || task.settledToken === task.attemptToken) continue;
      if (task.meter && now - task.lastResourcesAt >= this.resourcesIntervalMs) {
        task.lastResourcesAt = now;
        this.emit(task, this.meter.sample(task.meter, 'running'));
      }
      if (heartbeatMs > 0 && now - task.lastEventAt >= heartbeatMs) {
        const progress = task.context?.usedProgress;
        this.emit(task, {
          type: 'progress',
          progress: progress?.value ?? task.progress,
          heartbeat: true,
          ...(progress?.currentPhase && { phase: progress.currentPhase.name }),
          ...(progress?.lastMessage !== undefined && { message: progress.lastMessage }),
        });
      }
    }
  }

  // ── recovery and shutdown ────────────────────────────────────────────────

  private async recover(): Promise<void> {
    await this.store.open?.();
    this.startTimers();
    if (!this.store.durable) return;
    // Results whose TTL ran out while the process was down are not served again.
    await this.store.sweep(Date.now());
    let cursor: string | undefined;
    do {
      const page = await this.store.list({ owner: ANY_OWNER, status: ACTIVE_STATUSES, limit: 1000, ...(cursor && { cursor }) });
      for (const record of page.tasks) await this.recoverOne(record);
      cursor = page.nextCursor;
    } while (cursor);
    for (const task of [...this.active.values()]) {
      if (task.stage === 'waiting' && task.pendingDependencies === 0) await this.schedule(task);
    }
  }

  private async recoverOne(record: TaskRecord): Promise<void> {
    let current = record;
    const wasWorking = record.status !== 'queued';
    if (wasWorking) {
      if (!record.resumable) {
        const task = this.track(record, this.retry);
        await this.finish(record.id, 'failed', { error: new InterruptedError() });
        this.active.delete(task.id);
        return;
      }
      const updated = await this.store.update(record.id, { status: 'queued' }, { expect: [record.status] });
      if (!updated.ok) return;
      current = updated.record;
    }
    const definition = this.definitions.get(current.kind);
    const retry = resolveRetry({ maxAttempts: current.maxAttempts }, definition?.retry ?? this.retry);
    const task = this.track(current, retry);
    task.resumed = wasWorking;
    task.recovered = true;
    if (definition) this.bind(task, definition);
    if (!task.fn && !task.handler) task.stage = 'orphan';
    else task.stage = 'waiting';
  }

  private async stop(mode: 'drain' | 'abort', timeoutMs: number): Promise<void> {
    await this.start().catch(() => undefined);
    this.stopping = true;
    clearInterval(this.ticker);
    clearInterval(this.sweeper);
    if (mode === 'drain') await this.untilIdle(timeoutMs);
    const reason = new ShutdownError();
    for (const task of [...this.active.values()]) {
      if (task.stage === 'running') abortAttempt(task, reason);
      else if (task.stage !== 'done') {
        clearTimeout(task.timer);
        task.queued = false;
        if (this.store.durable) {
          task.stage = 'done';
          this.active.delete(task.id);
        } else {
          await this.finish(task.id, 'failed', { error: reason });
        }
      }
    }
    await this.untilIdle(Math.min(timeoutMs, 5_000));
    for (const task of [...this.active.values()]) {
      if (task.stage === 'running') await this.settle(task, task.attemptToken, { error: reason });
    }
    // Waiters on tasks left unfinished for recovery get their state as of now, not a wait forever.
    for (const [id, waiting] of [...this.waiters]) {
      const record = await this.store.get(id, ANY_OWNER).catch(() => undefined);
      if (!record) continue;
      this.waiters.delete(id);
      for (const waiter of waiting) waiter({ ...record });
    }
    await this.hub.close();
    await this.executor.close?.();
    await this.store.close?.();
  }

  /** Resolves when no task is running or waiting to run, or after `timeoutMs`. */
  private untilIdle(timeoutMs: number): Promise<void> {
    const busy = () => [...this.active.values()].some((t) => t.stage === 'running' || t.stage === 'queued' || t.stage === 'backoff' || t.stage === 'waiting');
    if (!busy()) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      const check = () => (busy() ? this.idleWaiters.push(check) : done());
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.idleWaiters.push(check);
    });
  }

  private wakeIdle(): void {
    if (this.idleWaiters.length === 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const waiter of waiters) waiter();
  }

  // ── owners ────────────────────────────────────────────────────────────────

  private ownerOf(owner: unknown): string {
    if (owner === undefined) return this.defaultOwner;
    return checkNonEmptyString('owner', owner, 1024);
  }

  private scopeOf(owner: unknown): OwnerScope {
    return owner === ANY_OWNER ? ANY_OWNER : this.ownerOf(owner);
  }

  private reserve(owner: string, delta: number): void {
    const next = (this.reservations.get(owner) ?? 0) + delta;
    if (next === 0) this.reservations.delete(owner);
    else this.reservations.set(owner, next);
  }

  /** Creations of this owner in flight besides the current one. */
  private reservedBeyondOne(owner: string): number {
    return (this.reservations.get(owner) ?? 1) - 1;
  }
}

const EMPTY: readonly string[] = Object.freeze([]);
