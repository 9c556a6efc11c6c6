import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { ANY_OWNER, InvalidArgumentError, isTerminal, isTerminalEvent } from '@headway/core';
import type { TaskEvent } from '@headway/core';
import { terminalEventOf } from '@headway/core/spi';
import type { EventRelay, TaskStore } from '@headway/core/spi';
import { closeClient, connectClient, newClient } from './connection.js';
import type { RedisConnection } from './connection.js';
import { KeyLayout } from './keys.js';

export interface RedisEventRelayOptions {
  /** Where Redis is. Default `redis://127.0.0.1:6379`. */
  connection?: RedisConnection;
  /** The deployment's key prefix (channels are `{prefix}:ev:<taskId>`). Default `headway`. */
  prefix?: string;
  /**
   * The shared store: after the subscriber reconnects, followed tasks that ended while it was away
   * are read from it and their terminal event delivered, so nothing waits for an event it missed.
   */
  store?: TaskStore;
  /** Told when publishing or subscribing fails (Redis away); default: nothing (events are best-effort). */
  onError?: (error: Error) => void;
}

/** How many ended tasks are remembered, so their late events (and a resync) are not delivered again. */
const ENDED_MEMORY = 10_000;

/** One message: a task's events of one batch, in order. */
interface Envelope {
  /** The node that published it. */
  readonly o: string;
  readonly e: readonly TaskEvent[];
}

/**
 * Task events between the processes of a fleet over Redis pub/sub, one channel per task
 * (`{prefix}:ev:<taskId>`):
 *
 * - **Interest per task.** A process subscribes to a task's channel while something here follows
 *   it (reference-counted); `followAll` subscribes to every task (a dashboard). A task nobody
 *   follows costs one PUBLISH per batch and nothing is kept: Redis drops messages nobody listens to.
 * - **Coalesced, ordered per task.** Events published in one turn of the event loop go out as one
 *   pipeline, one message per task with its events in order; of a task's consecutive progress
 *   events only the latest is sent. One
 *   batch is in flight at a time; while it is, the next one collects (and coalesces progress). While
 *   Redis is away, batches are dropped rather than queued.
 * - **Control for workers.** Cancellations and answers to a task's question also go to one
 *   control channel (`{prefix}:ctl`) that worker processes subscribe to (`followControl`): a worker
 *   hears them for whichever task it runs without subscribing per task.
 * - **Once per process.** A process ignores its own events (its sinks saw them already) and, per
 *   task, anything that comes after its terminal event.
 * - **At most once.** Pub/sub does not replay: once a follow's subscription holds, and after the
 *   subscriber reconnects, the followed tasks that ended meanwhile are read from the store and their
 *   terminal event is delivered.
 */
export class RedisEventRelay implements EventRelay {
  /** This process's id in the fleet: events it publishes carry it. */
  readonly node = randomBytes(8).toString('hex');
  readonly keys: KeyLayout;
  /** Where Redis is, for messages. */
  readonly endpoint: string;
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly channelPrefix: string;
  private readonly store: TaskStore | undefined;
  private readonly onError: (error: Error) => void;
  private deliver: ((event: TaskEvent) => void) | undefined;
  private readonly interest = new Map<string, number>();
  private all = false;
  private control = false;
  private readonly controlChannel: string;
  private readonly ended = new Set<string>();
  /** Events to send, by channel, in order. */
  private batch = new Map<string, TaskEvent[]>();
  /** Index in its channel's list of each task's pending progress event (replaced in place by a newer one). */
  private readonly pendingProgress = new Map<string, number>();
  private flushScheduled = false;
  private inFlight: Promise<void> | undefined;
  private wasReady = false;
  private closed = false;
  private dropped = 0;

  constructor(options: RedisEventRelayOptions = {}) {
    if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('options', options, 'an object');
    this.keys = new KeyLayout(options.prefix ?? 'headway');
    this.channelPrefix = `${this.keys.base}:ev:`;
    this.controlChannel = `${this.keys.base}:ctl`;
    this.store = options.store;
    this.onError = options.onError ?? (() => undefined);
    const publisher = newClient(options.connection, { connectionName: `headway-relay-pub-${this.node}` });
    this.publisher = publisher.client;
    this.endpoint = publisher.endpoint;
    // Subscribed connections must not fail commands during a reconnect: they re-subscribe by themselves.
    this.subscriber = newClient(options.connection, { connectionName: `headway-relay-sub-${this.node}`, maxRetriesPerRequest: null }).client;
    this.publisher.on('error', () => undefined);
    this.subscriber.on('error', () => undefined);
  }

  /** Events published but not sent because Redis was away (they are best-effort). */
  get droppedEvents(): number {
    return this.dropped;
  }

  async open(deliver: (event: TaskEvent) => void): Promise<void> {
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.controlChannel) this.receive(message, true);
      else if (!this.all) this.receive(message);
    });
    this.subscriber.on('pmessage', (_pattern: string, _channel: string, message: string) => this.receive(message));
    this.subscriber.on('ready', () => {
      if (this.wasReady) void this.resync();
      this.wasReady = true;
    });
    await Promise.all([connectClient(this.publisher), connectClient(this.subscriber)]);
    // Interest registered so far is subscribed now; later `follow` calls subscribe by themselves.
    this.deliver = deliver;
    const channels = [...this.interest.keys()].map((id) => this.channel(id));
    const subscribed: Promise<unknown>[] = [];
    if (channels.length > 0) subscribed.push(this.subscriber.subscribe(...channels));
    if (this.all) subscribed.push(this.subscriber.psubscribe(this.pattern()));
    if (this.control) subscribed.push(this.subscriber.subscribe(this.controlChannel));
    await Promise.all(subscribed);
  }

  publish(event: TaskEvent): void {
    if (this.closed) return;
    const taskId = event.taskId;
    const channel = this.channel(taskId);
    let events = this.batch.get(channel);
    if (!events) this.batch.set(channel, (events = []));
    if (event.type === 'progress') {
      const at = this.pendingProgress.get(taskId);
      if (at !== undefined) {
        events[at] = event;
        return;
      }
      this.pendingProgress.set(taskId, events.length);
    } else {
      this.pendingProgress.delete(taskId);
      if (isTerminalEvent(event)) this.remember(taskId);
    }
    events.push(event);
    if (event.type === 'cancelled' || (event.type === 'input' && event.state === 'answered')) {
      const control = this.batch.get(this.controlChannel);
      if (control) control.push(event);
      else this.batch.set(this.controlChannel, [event]);
    }
    this.scheduleFlush();
  }


  follow(taskId: string): void {
    const count = this.interest.get(taskId) ?? 0;
    this.interest.set(taskId, count + 1);
    if (count > 0 || !this.deliver || this.closed) return;
    // Subscribed, then read: a task that ended before the subscription took effect is seen either way.
    this.subscriber.subscribe(this.channel(taskId)).then(
      () => this.catchUp(taskId),
      (error: Error) => this.onError(error),
    );
  }

  unfollow(taskId: string): void {
    const count = this.interest.get(taskId);
    if (count === undefined) return;
    if (count > 1) {
      this.interest.set(taskId, count - 1);
      return;
    }
    this.interest.delete(taskId);
    if (this.deliver && !this.closed) this.subscriber.unsubscribe(this.channel(taskId)).catch((error: Error) => this.onError(error));
  }

  followAll(): void {
    if (this.all) return;
    this.all = true;
    if (this.deliver && !this.closed) this.subscriber.psubscribe(this.pattern()).catch((error: Error) => this.onError(error));
  }

  /**
   * Receive the cancellations and answers of every task (a worker: it may run any of them). Only
   * those of tasks not followed otherwise are delivered from this channel.
   */
  followControl(): void {
    if (this.control) return;
    this.control = true;
    if (this.deliver && !this.closed) this.subscriber.subscribe(this.controlChannel).catch((error: Error) => this.onError(error));
  }

  /** Tasks followed right now (for tests and diagnostics). */
  get followed(): number {
    return this.interest.size;
  }

  /** Sends what is pending, then closes both connections. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.inFlight;
    if (this.batch.size > 0) await this.flush();
    await Promise.all([closeClient(this.publisher), closeClient(this.subscriber)]);
  }

  private channel(taskId: string): string {
    return this.channelPrefix + taskId;
  }

  private pattern(): string {
    return `${this.channelPrefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || this.inFlight) return;
    this.flushScheduled = true;
    // What this turn of the event loop publishes goes out in one write.
    setImmediate(() => {
      this.flushScheduled = false;
      if (!this.inFlight && this.batch.size > 0) void this.flush();
    });
  }

  private flush(): Promise<void> {
    const batch = this.batch;
    this.batch = new Map();
    this.pendingProgress.clear();
    if (this.publisher.status !== 'ready') {
      for (const events of batch.values()) this.dropped += events.length;
      return Promise.resolve();
    }
    // One message per channel: the task's events of this batch, in order.
    const pipeline = this.publisher.pipeline();
    for (const [channel, events] of batch) {
      const text = this.encode(events);
      if (text !== undefined) pipeline.publish(channel, text);
    }
    const sent = pipeline.exec().then(
      () => undefined,
      (error: Error) => this.onError(error),
    );
    this.inFlight = sent.then(() => {
      this.inFlight = undefined;
      if (this.batch.size > 0 && !this.closed) void this.flush();
    });
    return this.inFlight;
  }

  /** The message of a channel's events; one that cannot be serialised is left out. */
  private encode(events: TaskEvent[]): string | undefined {
    try {
      return JSON.stringify({ o: this.node, e: events } satisfies Envelope);
    } catch {
      const kept = events.filter((event) => {
        try {
          JSON.stringify(event);
          return true;
        } catch {
          return false;
        }
      });
      return kept.length > 0 ? JSON.stringify({ o: this.node, e: kept } satisfies Envelope) : undefined;
    }
  }


  private receive(message: string, control = false): void {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(message) as Envelope;
    } catch {
      return;
    }
    if (envelope.o === this.node || !Array.isArray(envelope.e)) return;
    for (const event of envelope.e) {
      if (typeof event?.taskId !== 'string') continue;
      // A followed task's control events come through its own channel as well.
      if (control && (this.all || this.interest.has(event.taskId))) continue;
      this.hand(event);
    }
  }


  private hand(event: TaskEvent): void {
    if (this.ended.has(event.taskId)) return;
    if (isTerminalEvent(event)) this.remember(event.taskId);
    this.deliver?.(event);
  }

  private remember(taskId: string): void {
    this.ended.add(taskId);
    if (this.ended.size > ENDED_MEMORY) this.ended.delete(this.ended.values().next().value!);
  }

  /** After a reconnect: the followed tasks that ended while the subscriber was away. */
  private async resync(): Promise<void> {
    for (const taskId of [...this.interest.keys()]) await this.catchUp(taskId);
  }

  /** Delivers the end of a followed task from its record, if it ended and that end was not delivered. */
  private async catchUp(taskId: string): Promise<void> {
    if (!this.store || this.ended.has(taskId) || !this.interest.has(taskId)) return;
    const record = await Promise.resolve(this.store.get(taskId, ANY_OWNER)).catch(() => undefined);
    if (record && isTerminal(record.status) && this.interest.has(taskId)) this.hand(terminalEventOf(record));
  }
}
