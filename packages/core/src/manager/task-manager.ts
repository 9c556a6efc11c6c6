import type { TaskFunction } from '../context/task-context.js';
import { InvalidArgumentError, ShutdownError, TaskCancelledError, TaskNotFoundError } from '../errors.js';
import type { TaskEvent } from '../events.js';
import { isTerminalEvent } from '../events.js';
import { InProcessExecutor } from '../executor/in-process-executor.js';
import type { Executor } from '../executor/executor.js';
import { EventHub } from '../hub/event-hub.js';
import type { ChannelStats } from '../hub/event-hub.js';
import { isPromiseLike } from '../maybe-promise.js';
import { resolveProgressOptions } from '../progress/progress-options.js';
import type { EventRelay } from '../relay/event-relay.js';
import type { Reporter } from '../reporter.js';
import { InProcessScheduler } from '../scheduler/in-process-scheduler.js';
import type { Scheduler, SchedulerStats } from '../scheduler/scheduler.js';
import { MemoryTaskStore } from '../store/memory-store.js';
import { ANY_OWNER } from '../store/task-store.js';
import type { ListPage, ListQuery, OwnerScope, TaskStore } from '../store/task-store.js';
import { isTerminal, TASK_STATUSES } from '../task-record.js';
import type { InputResponse, TaskRecord, TaskSnapshot } from '../task-record.js';
import { checkNonEmptyString, checkNonNegative } from '../validate.js';
import { Admission } from './admission.js';
import { AttemptRunner } from './attempt-runner.js';
import { Definitions } from './definitions.js';
import { Emitter } from './emitter.js';
import { checkInputResponse } from './input-response.js';
import { Lifecycle } from './lifecycle.js';
import { checkManagerOptions, checkReporters } from './manager-options.js';
import type { CreateTaskOptions, OwnerOption, TaskDefinitionOptions, TaskHandler, TaskManagerOptions } from './manager-options.js';
import { resolveRetry } from './retry-policy.js';
import { TaskHandle } from './task-handle.js';
import { terminalEventOf } from './terminal-event.js';
import { Transitions } from './transitions.js';
import { Waiters } from './waiters.js';

const HOUR = 3_600_000;

/** What `manager.stats()` tells. */
export interface ManagerStats {
  readonly tasks: SchedulerStats;
  readonly reporters: readonly ChannelStats[];
}

/**
 * The one entry point: defines kinds, creates, reads, waits on, cancels and answers tasks, and
 * shuts down. Behind it, small units with one job each: admission, the scheduler (a seam), the
 * attempt runner, transitions (the only writer of the store), waiters and the lifecycle.
 */
export class TaskManager {
  /** Owner used when a call names none. */
  readonly defaultOwner: string;
  readonly #store: TaskStore;
  readonly #hub: EventHub;
  readonly #scheduler: Scheduler;
  readonly #relay: EventRelay | undefined;
  readonly #definitions: Definitions;
  readonly #admission: Admission;
  readonly #transitions: Transitions;
  readonly #runner: AttemptRunner;
  readonly #waiters: Waiters;
  readonly #lifecycle: Lifecycle;
  readonly #oneOffs = new Map<string, TaskFunction>();
  /** Tasks created `deferred`, not executed yet, with their retry policy. */
  readonly #deferred = new Map<string, ReturnType<typeof resolveRetry>>();
  /** Tasks this process follows through the relay, with how many want them. */
  readonly #following = new Map<string, number>();
  /** Tasks followed for their reporters (`create` with reporters, `watch`) until they end. */
  readonly #followedToEnd = new Set<string>();
  #ready?: Promise<void>;
  #started = false;
  #stopped?: Promise<void>;

  constructor(options: TaskManagerOptions = {}) {
    checkManagerOptions(options);
    const managerRetry = resolveRetry(options.retry);
    const maxTtlMs = options.maxTtlMs ?? 24 * HOUR;
    const progress = resolveProgressOptions(options.progress);
    const resources = { enabled: options.resources?.enabled ?? true, intervalMs: options.resources?.intervalMs ?? 5_000 };
    const executor: Executor = options.executor ?? new InProcessExecutor();
    this.defaultOwner = options.defaultOwner === undefined ? 'local' : checkNonEmptyString('defaultOwner', options.defaultOwner, 1024);
    const store = (this.#store = options.store ?? new MemoryTaskStore());
    const hub = (this.#hub = new EventHub(options.reporters ?? [], options.hub));
    this.#relay = options.relay;
    const scheduler = (this.#scheduler =
      options.scheduler ?? new InProcessScheduler({ concurrency: options.concurrency ?? 64, kindConcurrency: options.kindConcurrency ?? {} }));
    const definitions = (this.#definitions = new Definitions(managerRetry, maxTtlMs));
    this.#admission = new Admission(store, definitions, {
      maxTtlMs,
      defaultTtlMs: Math.min(options.defaultTtlMs ?? HOUR, maxTtlMs),
      maxActivePerOwner: options.maxActivePerOwner ?? 10_000,
      defaultTimeoutMs: options.defaultTimeoutMs,
    }, scheduler.remote);
    const transitions = (this.#transitions = new Transitions(store, new Emitter(hub, this.#relay)));
    const runner = (this.#runner = new AttemptRunner({
      store,
      transitions,
      definitions,
      oneOffs: this.#oneOffs,
      executor,
      progress,
      resources,
      stopping: () => this.#lifecycle.stopping,
    }));
    const waiters = (this.#waiters = new Waiters(store, (id) => scheduler.holds(id)));
    transitions.onFinished((record) => {
      this.#oneOffs.delete(record.id);
      waiters.finished(record);
      if (this.#followedToEnd.delete(record.id)) this.#unfollow(record.id);
    });
    this.#lifecycle = new Lifecycle({
      store,
      scheduler,
      relay: this.#relay,
      hub,
      executor,
      runner,
      transitions,
      definitions,
      waiters,
      heartbeatMs: progress.heartbeatMs,
      resourcesIntervalMs: resources.intervalMs,
      sweepIntervalMs: options.sweepIntervalMs ?? 60_000,
      connect: () => this.#connect(),
    });
  }

  /** Opens the store and recovers unfinished tasks. Called implicitly by every other method. */
  start(): Promise<void> {
    return (this.#ready ??= this.#lifecycle.start().then(() => {
      this.#started = true;
    }));
  }

  /** Registers how tasks of `kind` run. Tasks of that kind waiting for it start now. */
  define<I = unknown, R = unknown>(kind: string, handler: TaskHandler<I, R>, options: TaskDefinitionOptions = {}): void {
    const limited = options?.concurrency !== undefined && options.concurrency !== Infinity;
    if (limited && !this.#scheduler.limitKind) {
      throw new InvalidArgumentError('concurrency', options.concurrency, `no per-kind concurrency here: set it on the ${this.#scheduler.name} scheduler`);
    }
    const definition = this.#definitions.add(kind, handler as TaskHandler, options);
    if (limited) this.#scheduler.limitKind!(kind, options.concurrency!);
    for (const reporter of definition.options.reporters ?? []) this.#hub.add(reporter, { kind });
    this.#scheduler.runnable(kind);
  }

  /** Creates a task; resolves once the store has it (durably, for durable stores). */
  async create<I = unknown, R = unknown>(options: CreateTaskOptions<I>): Promise<TaskHandle<R>> {
    const spec = this.#admission.check(options as CreateTaskOptions, this.#ownerOf((options as { owner?: unknown } | null)?.owner));
    if (!this.#started) await this.start();
    if (this.#lifecycle.stopping) throw new ShutdownError();
    const admitted = this.#admission.admit(spec);
    const record = isPromiseLike(admitted) ? await admitted : admitted;
    // Attached before `created` is announced, so the task's own reporters see all of it.
    const attachment = spec.reporters?.length ? this.#hub.attach(record.id, spec.reporters) : undefined;
    try {
      const stored = this.#transitions.create(record, this.#admission.maxActive);
      if (isPromiseLike(stored)) await stored;
    } catch (error) {
      attachment?.detach();
      throw error;
    }
    const retry = this.#admission.retryOf(spec);
    if (spec.fn) this.#oneOffs.set(record.id, spec.fn);
    if (spec.reporters?.length && this.#scheduler.remote) this.#followToEnd(record.id);
    if (spec.deferred && !spec.fn) this.#deferred.set(record.id, retry);
    else {
      const submitted = this.#scheduler.submit(record, { retry });
      if (isPromiseLike(submitted)) await submitted;
    }
    return new TaskHandle<R>(this, record.id, record.owner, record.kind);
  }

  /** Runs a task created with `deferred: true` with `fn`; `input`, when given, replaces its stored input. */
  async execute<I = unknown, R = unknown>(task: TaskHandle | string, fn: TaskFunction<I, R>, input?: I, options: OwnerOption = {}): Promise<TaskHandle<R>> {
    const id = typeof task === 'string' ? task : task?.id;
    const owner = this.#ownerOf(typeof task === 'string' ? options.owner : (task?.owner ?? options.owner));
    checkNonEmptyString('task id', id);
    if (typeof fn !== 'function') throw new InvalidArgumentError('fn', fn, 'a task function (input, ctx) => result');
    await this.start();
    let record = await this.#store.get(id, owner);
    if (!record) throw new TaskNotFoundError(id);
    const retry = this.#deferred.get(id);
    // A deferred task, or one the scheduler holds for want of a function (recovered, or awaiting its definition).
    const held = !retry && this.#scheduler.holds(id) && !this.#runner.canRun(id, record.kind);
    if (record.status !== 'queued' || (!retry && !held)) {
      throw new InvalidArgumentError('task', id, 'a deferred task that has not been executed yet');
    }
    // As in `create`: with remote workers a function cannot travel, so the kind must be defined here too.
    const remote = this.#scheduler.remote;
    if (remote && !this.#definitions.get(record.kind)) {
      throw new InvalidArgumentError('fn', fn, 'no one-off function: this manager runs tasks on remote workers, so define the kind there');
    }
    if (input !== undefined) {
      const updated = await this.#transitions.setInput(record, input);
      if (!updated) throw new InvalidArgumentError('task', id, 'a deferred task that is still queued');
      record = updated;
    }
    this.#deferred.delete(id);
    if (!remote) this.#oneOffs.set(id, fn as TaskFunction);
    if (retry) {
      const submitted = this.#scheduler.submit(record, { retry });
      if (isPromiseLike(submitted)) await submitted;
    } else this.#scheduler.runnable(record.kind);
    return new TaskHandle<R>(this, id, owner, record.kind);
  }

  /** The task as it is now, or undefined when there is no such task for this owner. */
  async get(id: string, options: { owner?: OwnerScope } = {}): Promise<TaskSnapshot | undefined> {
    if (typeof id !== 'string') throw new InvalidArgumentError('task id', id, 'a string');
    const owner = this.#scopeOf(options.owner);
    if (!this.#started) await this.start();
    const read = this.#store.get(id, owner);
    const record = (isPromiseLike(read) ? await read : read) as (TaskRecord & { queuePosition?: number }) | undefined;
    if (record?.status === 'queued') {
      const found = this.#scheduler.position(id, record.kind);
      const position = isPromiseLike(found) ? await found : found;
      if (position !== undefined) record.queuePosition = position;
    }
    return record;
  }

  /** A handle for an existing task of this owner. */
  async handle<R = unknown>(id: string, options: OwnerOption = {}): Promise<TaskHandle<R>> {
    const owner = this.#ownerOf(options.owner);
    const record = await this.get(id, { owner });
    if (!record) throw new TaskNotFoundError(id);
    return new TaskHandle<R>(this, id, owner, record.kind);
  }

  /** One page of this owner's tasks in creation order. */
  async list(query: Partial<ListQuery> = {}): Promise<ListPage<TaskSnapshot>> {
    if (typeof query !== 'object' || query === null) throw new InvalidArgumentError('list query', query, 'an object');
    const owner = this.#scopeOf(query.owner);
    if (query.status !== undefined) {
      if (!Array.isArray(query.status)) throw new InvalidArgumentError('status', query.status, 'an array of statuses');
      for (const s of query.status) if (!TASK_STATUSES.includes(s)) throw new InvalidArgumentError('status', s, TASK_STATUSES.join(', '));
    }
    if (query.kind !== undefined) checkNonEmptyString('kind', query.kind);
    if (!this.#started) await this.start();
    return this.#store.list({ ...query, owner });
  }

  /**
   * Resolves with the task once it is terminal, or as it is when `timeoutMs` passed or `signal`
   * aborted. Rejects with `TaskNotFoundError` for unknown ids.
   */
  async wait(id: string, options: { owner?: OwnerScope; timeoutMs?: number; signal?: AbortSignal } = {}): Promise<TaskSnapshot> {
    if (options.timeoutMs !== undefined) checkNonNegative('timeoutMs', options.timeoutMs);
    if (typeof id !== 'string') throw new InvalidArgumentError('task id', id, 'a string');
    const owner = this.#scopeOf(options.owner);
    if (!this.#started) await this.start();
    const follow = this.#relay !== undefined && !this.#scheduler.holds(id);
    if (follow) this.#follow(id);
    try {
      return await this.#waiters.wait(id, owner, options);
    } finally {
      if (follow) this.#unfollow(id);
    }
  }

  /**
   * Cancels a queued or running task: its signal aborts (in whichever process runs it) and it is
   * `cancelled` before this resolves; a late result is discarded. A finished task is returned as it is.
   */
  async cancel(id: string, options: { owner?: OwnerScope; reason?: string } = {}): Promise<TaskSnapshot> {
    if (typeof id !== 'string') throw new InvalidArgumentError('task id', id, 'a string');
    const reason = options.reason ?? 'Cancelled by request';
    if (typeof reason !== 'string') throw new InvalidArgumentError('reason', reason, 'a string');
    const owner = this.#scopeOf(options.owner);
    if (!this.#started) await this.start();
    const current = await this.#store.get(id, owner);
    if (!current) throw new TaskNotFoundError(id);
    if (isTerminal(current.status)) return current;
    const progress = this.#runner.reached(id) ?? current.progress;
    const cancelled = await this.#transitions.cancel(current, reason);
    if (!cancelled) return (await this.#store.get(id, owner)) ?? current;
    this.#deferred.delete(id);
    // The work stops (and reports its last resources) before `cancelled` is announced.
    await this.#scheduler.cancel(id, new TaskCancelledError(reason));
    this.#transitions.announceCancelled(cancelled, reason, progress);
    return { ...cancelled };
  }

  /** Answers the question a task waits on (`ctx.elicit`), wherever it runs. */
  async respond(id: string, response: InputResponse, options: { owner?: OwnerScope } = {}): Promise<void> {
    if (typeof id !== 'string') throw new InvalidArgumentError('task id', id, 'a string');
    const answer = checkInputResponse(response);
    const owner = this.#scopeOf(options.owner);
    if (!this.#started) await this.start();
    const record = await this.#store.get(id, owner);
    if (!record) throw new TaskNotFoundError(id);
    const request = record.inputRequest;
    if (isTerminal(record.status) || !request || request.id !== answer.requestId) {
      throw new InvalidArgumentError('requestId', answer.requestId, request ? `the id of the question task ${id} waits on (${request.id})` : `a question task ${id} waits on (it waits on none)`);
    }
    if (this.#runner.respond(id, answer)) return;
    if (!(await this.#transitions.storeInputResponse(record, request, answer))) {
      throw new InvalidArgumentError('task', id, 'a task that has not finished');
    }
  }

  /**
   * Attaches reporters to an unfinished task of this owner, wherever it runs, until it ends.
   * Resolves false (attaching nothing) when it is finished, unknown or another owner's.
   */
  async watch(id: string, reporters: readonly Reporter[], options: { owner?: OwnerScope } = {}): Promise<boolean> {
    if (typeof id !== 'string') throw new InvalidArgumentError('task id', id, 'a string');
    checkReporters('reporters', reporters);
    const owner = this.#scopeOf(options.owner);
    if (!this.#started) await this.start();
    const record = await this.#store.get(id, owner);
    if (!record || isTerminal(record.status)) return false;
    const attachment = this.#hub.attach(id, reporters);
    const remote = !this.#scheduler.holds(id) && this.#relay !== undefined;
    if (remote) this.#followToEnd(id);
    // It may have ended between the read and the attach: these reporters then get its end from the record.
    const after = await this.#store.get(id, ANY_OWNER);
    if (after && isTerminal(after.status) && attachment.finish(terminalEventOf(after))) {
      if (remote && this.#followedToEnd.delete(id)) this.#unfollow(id);
      return false;
    }
    return true;
  }

  /** Waits until every event so far was delivered to the reporters, and flushes those that buffer. */
  flush(): Promise<void> {
    return this.#hub.flush();
  }

  /** Tasks this manager holds, by where they are, and delivery statistics per reporter. */
  stats(): ManagerStats {
    return { tasks: this.#scheduler.stats(), reporters: this.#hub.stats() };
  }

  /**
   * Stops the manager within `timeoutMs` (default 30 s). `drain` (default) lets queued and running
   * tasks finish, then aborts what is left; `abort` aborts at once. With a durable store,
   * interrupted tasks stay unfinished and are recovered at the next start. The store is closed.
   */
  shutdown(options: { mode?: 'drain' | 'abort'; timeoutMs?: number } = {}): Promise<void> {
    const mode = options.mode ?? 'drain';
    if (mode !== 'drain' && mode !== 'abort') throw new InvalidArgumentError('mode', mode, 'drain or abort');
    const timeoutMs = options.timeoutMs ?? 30_000;
    checkNonNegative('timeoutMs', timeoutMs);
    return (this.#stopped ??= this.#lifecycle.stop(mode, timeoutMs, this.start()));
  }

  async #connect(): Promise<void> {
    const runner = this.#runner;
    // The relay first: a scheduler may start attempts at once, and their events must get out.
    if (this.#relay) {
      await this.#relay.open((event) => this.#onRelayed(event));
      if (this.#hub.takesRemote()) this.#relay.followAll();
    }
    await this.#scheduler.start({
      runAttempt: (id, retry, options) => runner.run(id, retry, options),
      reclaim: (id, retry) => runner.reclaim(id, retry),
      abortAttempt: (id, reason) => runner.abort(id, reason),
      canRun: (id, kind) => runner.canRun(id, kind),
      failTask: async (id, error) => {
        const record = await this.#store.get(id, ANY_OWNER);
        if (record && !isTerminal(record.status)) await this.#transitions.fail(record, error, record.progress);
      },
      read: (id) => this.#store.get(id, ANY_OWNER),
      onFinished: (listener) => this.#transitions.onFinished(listener),
    });
  }

  #onRelayed(event: TaskEvent): void {
    this.#hub.publish(event, { remote: true });
    if (event.type === 'input' && event.state === 'answered' && event.response) this.#runner.respond(event.taskId, event.response);
    if (event.type === 'cancelled') this.#runner.abort(event.taskId, new TaskCancelledError(event.reason));
    if (isTerminalEvent(event)) {
      void Promise.resolve(this.#store.get(event.taskId, ANY_OWNER)).then((record) => {
        if (record && isTerminal(record.status)) this.#transitions.finishedElsewhere(record);
      }, () => undefined);
    }
  }

  #followToEnd(id: string): void {
    if (this.#followedToEnd.has(id)) return;
    this.#followedToEnd.add(id);
    this.#follow(id);
  }

  #follow(id: string): void {
    const count = this.#following.get(id) ?? 0;
    this.#following.set(id, count + 1);
    if (count === 0) this.#relay?.follow(id);
  }

  #unfollow(id: string): void {
    const count = this.#following.get(id) ?? 0;
    if (count > 1) this.#following.set(id, count - 1);
    else {
      this.#following.delete(id);
      this.#relay?.unfollow(id);
    }
  }

  #ownerOf(owner: unknown): string {
    if (owner === undefined) return this.defaultOwner;
    return checkNonEmptyString('owner', owner, 1024);
  }

  #scopeOf(owner: unknown): OwnerScope {
    return owner === ANY_OWNER ? ANY_OWNER : this.#ownerOf(owner);
  }
}
