import type { TaskEvent, TaskEventType } from '../events.js';
import { TASK_EVENT_TYPES } from '../events.js';
import { InvalidArgumentError } from '../errors.js';
import type { Reporter } from '../reporter.js';
import { EventQueue } from './event-queue.js';

export interface ChannelOptions {
  /**
   * Events other than progress that may wait for one reporter; past it newer ones are not queued,
   * but for `created` and terminal events, and a `created` is folded into its task's end (see
   * `EventQueue`).
   */
  maxQueue: number;
  /** A delivery that has not settled after this long is abandoned and the reporter marked hung. */
  hangTimeoutMs: number;
  /** Called once per reporter per kind of trouble ('error' | 'hung'). */
  onTrouble(reporter: Reporter, kind: 'error' | 'hung', detail: unknown): void;
}

export interface ChannelStats {
  readonly reporter: string;
  delivered: number;
  /** Progress events replaced by a newer one of their task before the reporter saw them. */
  coalesced: number;
  /** Events the reporter will never see (queue past `maxQueue`, or the reporter hung); `folded` included. */
  dropped: number;
  /** Of `dropped`: `created` events left out because their task's terminal event was queued behind them. */
  folded: number;
  errors: number;
  hung: number;
  queued: number;
}

// Deliveries that may be outstanding at once to a reporter that stopped answering.
const MAX_ABANDONED = 4;

/**
 * The queue in front of one reporter. Events are delivered in order, one at a time; a progress
 * event replaces an undelivered progress event of the same task, so a slow reporter sees the latest
 * progress of every task, in order, and the queue stays bounded whatever the update rate.
 */
export class ReporterChannel {
  readonly stats: ChannelStats;
  /** Whether the reporter asked for events made in other processes too (`remote: true`). */
  readonly remote: boolean;
  /** The sink the reporter delivers to: itself, or the end of its `wraps` chain. */
  readonly sink: Reporter;
  private readonly queue: EventQueue;
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
      folded: 0,
      errors: 0,
      hung: 0,
      queued: 0,
    };
    if (reporter.eventTypes !== undefined) this.accepts = acceptedTypes(reporter.eventTypes, this.stats.reporter);
    this.remote = remoteFlag(reporter, this.stats.reporter);
    this.sink = sinkOf(reporter, this.stats.reporter);
    this.queue = new EventQueue(options.maxQueue, this.stats);
  }

  push(event: TaskEvent): void {
    if (this.accepts !== undefined && !this.accepts.has(event.type)) return;
    this.queue.push(event);
    if (!this.draining) {
      this.draining = true;
      queueMicrotask(this.drain);
    }
  }

  get size(): number {
    return this.queue.size;
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
    for (let event = this.queue.shift(); event !== undefined; event = this.queue.shift()) {
      const pending = this.deliver(event);
      if (pending) {
        this.queue.trim();
        void pending.then(this.drain);
        return;
      }
    }
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
    }).then(() => this.shedWhileHung());
  }

  /** While the reporter holds too many unanswered deliveries, drop what is queued for it. */
  private shedWhileHung(): void {
    if (this.abandoned >= MAX_ABANDONED) this.stats.dropped += this.queue.clear();
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

/**
 * `Reporter.remote`: whether events relayed from other processes reach this reporter (when it is
 * global; per-task reporters get their task's events from anywhere). Read here so that a reporter
 * written against a core without the field still works.
 */
function remoteFlag(reporter: Reporter, name: string): boolean {
  const remote = (reporter as { readonly remote?: unknown }).remote;
  if (remote !== undefined && typeof remote !== 'boolean') throw new InvalidArgumentError(`remote of reporter "${name}"`, remote, 'a boolean');
  return remote === true;
}

/**
 * `Reporter.wraps`: the sink a wrapper delivers to, followed to the end of the chain. Read once
 * here, like `remote`; a chain that is not made of reporters, or loops, is refused.
 */
function sinkOf(reporter: Reporter, name: string): Reporter {
  const seen = new Set<Reporter>([reporter]);
  let sink = reporter;
  for (let next = (sink as { readonly wraps?: unknown }).wraps; next !== undefined; next = (sink as { readonly wraps?: unknown }).wraps) {
    if (typeof next !== 'object' || next === null || typeof (next as Reporter).onEvent !== 'function' || seen.has(next as Reporter)) {
      throw new InvalidArgumentError(`wraps of reporter "${name}"`, next, 'another reporter (an object with an onEvent method), not one already in the chain');
    }
    sink = next as Reporter;
    seen.add(sink);
  }
  return sink;
}
