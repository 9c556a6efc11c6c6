import { DependencyFailedError, InvalidArgumentError, ShutdownError } from '../errors.js';
import { IdMap } from '../id-map.js';
import { isPromiseLike } from '../maybe-promise.js';
import type { TaskRecord } from '../task-record.js';
import { isTerminal } from '../task-record.js';
import { checkPositiveInteger } from '../validate.js';
import { LiveTask } from './live-task.js';
import { RunQueue } from './run-queue.js';
import type { AttemptOutcome, Scheduler, SchedulerHost, SchedulerStats, SubmitOptions } from './scheduler.js';

export interface InProcessSchedulerOptions {
  /** Tasks running at once, all kinds together. Default 64. */
  concurrency?: number;
  /** Tasks running at once per kind (on top of `concurrency`). */
  kindConcurrency?: Readonly<Record<string, number>>;
}

/**
 * The default scheduler: a run queue in this process with global and per-kind concurrency,
 * backoff timers for retries, and dependents released when their dependencies finish.
 */
export class InProcessScheduler implements Scheduler {
  readonly name = 'in-process';
  readonly remote = false;
  private host!: SchedulerHost;
  private readonly live = new IdMap<LiveTask>();
  /** Tasks no function can run here yet (their kind is defined later). */
  private readonly held = new Set<LiveTask>();
  /** Tasks waiting on each unfinished dependency. */
  private readonly dependents = new Map<string, Set<LiveTask>>();
  private readonly queue: RunQueue<LiveTask>;
  private readonly kindLimits: Map<string, number>;
  private stopping = false;
  private idleWaiters: (() => void)[] = [];

  constructor(options: InProcessSchedulerOptions = {}) {
    if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('scheduler options', options, 'an object');
    const concurrency = options.concurrency ?? 64;
    if (concurrency !== Infinity) checkPositiveInteger('concurrency', concurrency);
    this.kindLimits = new Map();
    for (const [kind, limit] of Object.entries(options.kindConcurrency ?? {})) {
      checkPositiveInteger(`kindConcurrency.${kind}`, limit);
      this.kindLimits.set(kind, limit);
    }
    this.queue = new RunQueue<LiveTask>(
      concurrency,
      (kind) => this.kindLimits.get(kind) ?? Infinity,
      (task) => this.run(task),
    );
  }

  /** Sets the concurrency of one kind (a kind's `define` option). */
  limitKind(kind: string, limit: number): void {
    checkPositiveInteger(`concurrency of kind ${kind}`, limit);
    this.kindLimits.set(kind, limit);
  }

  start(host: SchedulerHost): void {
    this.host = host;
    host.onFinished((record) => this.release(record));
  }

  submit(record: Readonly<TaskRecord>, options: SubmitOptions): void | Promise<void> {
    if (this.stopping) throw new ShutdownError();
    const task = new LiveTask(record.id, record.kind, record.seq, record.dependsOn, record.runOnDependencyFailure ?? false, options.retry);
    this.live.set(task.id, task);
    if (!this.host.canRun(task.id, task.kind)) {
      this.held.add(task);
      return;
    }
    return this.proceed(task, options.delayMs);
  }

  runnable(kind: string): void {
    for (const task of [...this.held]) {
      if (task.kind !== kind || !this.host.canRun(task.id, kind)) continue;
      this.held.delete(task);
      void this.proceed(task, undefined);
    }
  }

  cancel(taskId: string, reason: unknown): void {
    const task = this.live.get(taskId);
    if (!task) return;
    if (task.stage === 'running') {
      this.host.abortAttempt(taskId, reason);
      return;
    }
    this.drop(task);
  }

  position(taskId: string, _kind?: string): number | undefined {
    const task = this.live.get(taskId);
    return task && this.queue.positionOf(task);
  }

  holds(taskId: string): boolean {
    return this.live.has(taskId);
  }

  stats(): SchedulerStats {
    let waiting = 0;
    let delayed = 0;
    for (const task of this.live.values()) {
      if (task.stage === 'waiting') waiting++;
      else if (task.stage === 'delayed') delayed++;
    }
    return { queued: this.queue.queuedCount, running: this.queue.runningCount, waiting, delayed };
  }

  async shutdown(mode: 'drain' | 'abort', deadline: number): Promise<readonly string[]> {
    this.stopping = true;
    if (mode === 'drain') await this.untilIdle(deadline);
    const unstarted: string[] = [];
    const reason = new ShutdownError();
    for (const task of [...this.live.values()]) {
      if (task.stage === 'running') this.host.abortAttempt(task.id, reason);
      else {
        unstarted.push(task.id);
        this.drop(task);
      }
    }
    // Aborted attempts settle at once (a task that ignores its signal is not waited for).
    await this.untilIdle(deadline);
    return unstarted;
  }

  /** Dependencies, then a delay, then the queue. */
  private proceed(task: LiveTask, delayMs: number | undefined): void | Promise<void> {
    if (task.dependsOn.length > 0 && task.stage === 'held') {
      task.moveTo('waiting');
      return this.awaitDependencies(task, delayMs);
    }
    this.afterDependencies(task, delayMs);
  }

  private afterDependencies(task: LiveTask, delayMs: number | undefined): void {
    if (delayMs !== undefined && delayMs > 0) this.delay(task, delayMs);
    else this.enqueue(task);
  }

  private async awaitDependencies(task: LiveTask, delayMs: number | undefined): Promise<void> {
    // Interest first, then a read of each: a dependency that ends in between is seen either way.
    task.pending = new Set(task.dependsOn);
    for (const dep of task.dependsOn) {
      let set = this.dependents.get(dep);
      if (!set) this.dependents.set(dep, (set = new Set()));
      set.add(task);
    }
    for (const dep of task.dependsOn) {
      if (task.stage !== 'waiting') return;
      const read = this.host.read(dep);
      const record = isPromiseLike(read) ? await read : read;
      if (!record) this.dependencyEnded(task, dep, 'missing');
      else if (isTerminal(record.status)) this.dependencyEnded(task, dep, record.status);
    }
    if (task.stage === 'waiting' && task.pending?.size === 0) this.dependenciesMet(task, delayMs);
  }

  private release(record: TaskRecord): void {
    const waiting = this.dependents.get(record.id);
    if (!waiting) return;
    this.dependents.delete(record.id);
    for (const task of waiting) {
      this.dependencyEnded(task, record.id, record.status);
      if (task.stage === 'waiting' && task.pending?.size === 0) this.dependenciesMet(task, undefined);
    }
  }

  private dependencyEnded(task: LiveTask, dep: string, status: string): void {
    if (task.stage !== 'waiting' || !task.pending?.delete(dep)) return;
    if (status === 'completed' || task.runOnDependencyFailure) return;
    this.drop(task);
    void this.host.failTask(task.id, new DependencyFailedError(dep, status));
  }

  private dependenciesMet(task: LiveTask, delayMs: number | undefined): void {
    task.pending = undefined;
    this.afterDependencies(task, delayMs);
  }

  private delay(task: LiveTask, delayMs: number): void {
    task.moveTo('delayed');
    // Not unref'd: a task waiting for its retry keeps the process alive like any pending work.
    task.timer = setTimeout(() => {
      task.timer = undefined;
      if (task.stage === 'delayed') this.enqueue(task);
    }, delayMs);
  }

  private enqueue(task: LiveTask): void {
    task.moveTo('queued');
    this.queue.push(task);
  }

  private run(task: LiveTask): void {
    task.moveTo('running');
    this.host.runAttempt(task.id, task.retry).then(
      (outcome) => this.settled(task, outcome),
      () => this.settled(task, { type: 'failed' }),
    );
  }

  private settled(task: LiveTask, outcome: AttemptOutcome): void {
    this.queue.release(task);
    if (task.stage !== 'running') return;
    if ((outcome.type === 'retry' || outcome.type === 'postponed') && !this.stopping) this.delay(task, outcome.delayMs);
    else this.forget(task);
  }

  /** Stops holding a task that has not started (or whose attempt is over). */
  private drop(task: LiveTask): void {
    if (task.stage === 'queued') this.queue.remove(task);
    clearTimeout(task.timer);
    task.timer = undefined;
    this.forget(task);
  }

  private forget(task: LiveTask): void {
    if (task.stage !== 'done') task.moveTo('done');
    this.live.delete(task.id);
    this.held.delete(task);
    if (task.pending) for (const dep of task.pending) this.dependents.get(dep)?.delete(task);
    task.pending = undefined;
    if (this.idleWaiters.length > 0) this.wakeIdle();
  }

  /** Resolves when nothing is queued, running, waiting or delayed (held tasks cannot run), or at `deadline`. */
  private untilIdle(deadline: number): Promise<void> {
    if (!this.busy()) return Promise.resolve();
    return new Promise((resolve) => {
      // Ref'd: a shutdown in progress keeps the process alive until it is done or out of time.
      const timer = setTimeout(done, Math.max(0, deadline - Date.now()));
      const check = () => (this.busy() ? this.idleWaiters.push(check) : done());
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.idleWaiters.push(check);
    });
  }

  private busy(): boolean {
    return this.live.size > this.held.size;
  }

  private wakeIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const waiter of waiters) waiter();
  }
}
