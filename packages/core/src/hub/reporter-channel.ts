import type { TaskEvent, TaskEventType } from '../events.js';
import { isTerminalEvent, TASK_EVENT_TYPES } from '../events.js';
import { InvalidArgumentError } from '../errors.js';
import type { Reporter } from '../reporter.js';

export interface ChannelOptions {
  /** Events waiting for one reporter before the oldest non-terminal ones are dropped. */
  maxQueue: number;
  /** A delivery that has not settled after this long is abandoned and the reporter marked hung. */
  hangTimeoutMs: number;
  /** Called once per reporter per kind of trouble ('error' | 'hung'). */
  onTrouble(reporter: Reporter, kind: 'error' | 'hung', detail: unknown): void;
}

export interface ChannelStats {
  readonly reporter: string;
  delivered: number;
  coalesced: number;
  dropped: number;
  errors: number;
  hung: number;
  queued: number;
}

// Deliveries that may be outstanding at once to a reporter that stopped answering.
const MAX_ABANDONED = 4;

/**
 * The queue in front of one reporter. Events are delivered in order, one at a time; a progress
 * event replaces an undelivered progress event of the same task, so a slow reporter sees
 * coalesced progress and the queue stays bounded whatever the update rate.
 */
export class ReporterChannel {
  readonly stats: ChannelStats;
  private queue: (TaskEvent | undefined)[] = [];
  private head = 0;
  /** Events queued and not yet delivered or dropped (the queue may hold holes). */
  private live = 0;
  /** Everything between head and here is undroppable (created or terminal) or a hole. */
  private dropScan = 0;
  private readonly pendingProgress = new Map<string, number>();
  private draining = false;
  private abandoned = 0;
  private idleWaiters: (() => void)[] = [];
  /** Trouble already reported (once per kind). */
  private reportedError = false;
  private reportedHung = false;
  /** The event types the reporter asked for; undefined for all. */
  private readonly accepts?: ReadonlySet<TaskEventType>;

  constructor(
    readonly reporter: Reporter,
    private readonly options: ChannelOptions,
    /** Deliver only events of this kind. */
    readonly kind?: string,
  ) {
    this.stats = {
      reporter: reporter.name ?? reporter.constructor?.name ?? 'reporter',
      delivered: 0,
      coalesced: 0,
      dropped: 0,
      errors: 0,
      hung: 0,
      queued: 0,
    };
    if (reporter.eventTypes !== undefined) this.accepts = acceptedTypes(reporter.eventTypes, this.stats.reporter);
  }

  push(event: TaskEvent): void {
    if (this.accepts !== undefined && !this.accepts.has(event.type)) return;
    if (event.type === 'progress') {
      const at = this.pendingProgress.get(event.taskId);
      if (at !== undefined) {
        this.queue[at] = event;
        this.stats.coalesced++;
        return;
      }
      this.pendingProgress.set(event.taskId, this.queue.length);
    } else if (this.pendingProgress.size > 0) {
      // Later progress must not jump ahead of this event.
      this.pendingProgress.delete(event.taskId);
    }
    this.queue.push(event);
    this.live++;
    if (this.live > this.options.maxQueue) this.dropOldest();
    if (!this.draining) {
      this.draining = true;
      queueMicrotask(this.drain);
    }
  }

  get size(): number {
    return this.live;
  }

  /** Resolves when everything queued so far was handed to the reporter. */
  idle(): Promise<void> {
    if (!this.draining) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Delivers what is queued, in order. A plain loop while the reporter answers synchronously;
   * when it returns a promise, the loop resumes once that settles. Bound once, scheduled per burst.
   */
  private readonly drain = (): void => {
    while (this.head < this.queue.length) {
      const index = this.head;
      const event = this.queue[index];
      this.queue[index] = undefined;
      this.head++;
      if (event === undefined) continue;
      this.live--;
      if (event.type === 'progress' && this.pendingProgress.get(event.taskId) === index) {
        this.pendingProgress.delete(event.taskId);
      }
      if (this.head > 1024 && this.head * 2 > this.queue.length) this.compact();
      const pending = this.deliver(event);
      if (pending) {
        void pending.then(this.drain);
        return;
      }
    }
    this.queue = [];
    this.head = 0;
    this.dropScan = 0;
    this.live = 0;
    this.pendingProgress.clear();
    this.draining = false;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  };

  private deliver(event: TaskEvent): Promise<void> | void {
    let outcome: void | Promise<void>;
    try {
      outcome = this.reporter.onEvent(event);
    } catch (error) {
      this.fail(error);
      return;
    }
    this.stats.delivered++;
    if (!outcome || typeof (outcome as Promise<void>).then !== 'function') return;
    return this.settle(outcome);
  }

  private settle(outcome: Promise<void>): Promise<void> {
    return new Promise<void>((resolve) => {
      let done = false;
      const timer = setTimeout(() => {
        if (done) return;
        done = true;
        this.stats.hung++;
        this.abandoned++;
        this.trouble('hung', new Error(`no answer within ${this.options.hangTimeoutMs} ms`));
        resolve();
      }, this.options.hangTimeoutMs);
      timer.unref?.();
      outcome.then(
        () => {
          if (done) this.abandoned--;
          else {
            done = true;
            clearTimeout(timer);
            resolve();
          }
        },
        (error: unknown) => {
          if (done) this.abandoned--;
          else {
            done = true;
            clearTimeout(timer);
            resolve();
          }
          this.fail(error);
        },
      );
    }).then(() => (this.abandoned >= MAX_ABANDONED ? this.shedWhileHung() : undefined));
  }

  /** While the reporter holds too many unanswered deliveries, drop what is queued for it. */
  private shedWhileHung(): void {
    while (this.head < this.queue.length && this.abandoned >= MAX_ABANDONED) {
      const event = this.queue[this.head];
      this.queue[this.head++] = undefined;
      if (event) {
        this.live--;
        this.stats.dropped++;
      }
    }
    this.pendingProgress.clear();
  }

  private fail(error: unknown): void {
    this.stats.errors++;
    this.trouble('error', error);
  }

  private trouble(kind: 'error' | 'hung', detail: unknown): void {
    if (kind === 'error' ? this.reportedError : this.reportedHung) return;
    if (kind === 'error') this.reportedError = true;
    else this.reportedHung = true;
    try {
      this.options.onTrouble(this.reporter, kind, detail);
    } catch {
      // A failing trouble handler must not break delivery either.
    }
  }

  /** Drops the oldest queued event that is not terminal (terminal events are never dropped). */
  private dropOldest(): void {
    for (let i = (this.dropScan = Math.max(this.dropScan, this.head)); i < this.queue.length; i++, this.dropScan++) {
      const event = this.queue[i];
      if (event && !isTerminalEvent(event) && event.type !== 'created') {
        if (event.type === 'progress' && this.pendingProgress.get(event.taskId) === i) this.pendingProgress.delete(event.taskId);
        this.queue[i] = undefined;
        this.live--;
        this.stats.dropped++;
        if (i === this.head) this.head++;
        if (this.queue.length - this.head > 2 * this.live + 64) this.compact();
        return;
      }
    }
  }

  /** Removes delivered slots and holes; progress positions are recomputed. */
  private compact(): void {
    const kept: TaskEvent[] = [];
    this.pendingProgress.clear();
    for (let i = this.head; i < this.queue.length; i++) {
      const event = this.queue[i];
      if (event === undefined) continue;
      if (event.type === 'progress') this.pendingProgress.set(event.taskId, kept.length);
      else this.pendingProgress.delete(event.taskId);
      kept.push(event);
    }
    this.queue = kept;
    this.head = 0;
    this.dropScan = 0;
  }
}

const KNOWN_TYPES: ReadonlySet<unknown> = new Set(TASK_EVENT_TYPES);
// Per-task reporters of one class usually share one frozen eventTypes array: check and index it
// once. An array that is not frozen may change, so it is read again for every channel.
const acceptedCache = new WeakMap<readonly unknown[], ReadonlySet<TaskEventType>>();

function acceptedTypes(events: unknown, reporter: string): ReadonlySet<TaskEventType> {
  const argument = `eventTypes of reporter "${reporter}"`;
  if (!Array.isArray(events)) throw new InvalidArgumentError(argument, events, 'an array of event types');
  const frozen = Object.isFrozen(events);
  const cached = frozen ? acceptedCache.get(events) : undefined;
  if (cached) return cached;
  const bad = events.findIndex((type) => !KNOWN_TYPES.has(type));
  if (bad >= 0) throw new InvalidArgumentError(argument, events[bad], `one of ${TASK_EVENT_TYPES.join(', ')}`);
  const accepted = new Set(events as TaskEventType[]);
  if (frozen) acceptedCache.set(events, accepted);
  return accepted;
}
