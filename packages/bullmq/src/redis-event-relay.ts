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
/** How many tasks' "does anyone follow it" answers are remembered (a cache: the flags in Redis are the truth). */
const ANSWERS_MEMORY = 10_000;
/** A follow's flag lives this long in Redis, and is renewed at a third of it while the follow lasts. */
const FOLLOW_FLAG_MS = 3_600_000;
/** The follow-all flag lives this long, renewed at a third of it; every relay re-reads it this often. */
const FOLLOW_ALL_FLAG_MS = 30_000;
const FOLLOW_ALL_POLL_MS = 5_000;

/** One message: a task's events of one batch, in order. */
interface Envelope {
  /** The node that published it. */
  readonly o: string;
  readonly e: readonly TaskEvent[];
}

/** A follow announced on the follows channel: `f` is a task id, or `*` for every task. */
interface FollowNotice {
  readonly o: string;
  readonly f: string;
}

/**
 * Task events between the processes of a fleet over Redis pub/sub, one channel per task
 * (`{prefix}:ev:<taskId>`):
 *
 * - **Interest per task.** A process subscribes to a task's channel while something here follows
 *   it (reference-counted); `followAll` subscribes to every task (a dashboard). A follow also sets a
 *   flag in Redis (`{prefix}:f:<id>`, `{prefix}:fa` for all; with an expiry, renewed while it lasts)
 *   and says so on the follows channel (`{prefix}:fol`, which every relay hears). A process
 *   publishes a task's events only when someone follows it: it reads the task's flag once (with its
 *   first events), remembers the answer (a new follow is heard), and reads it again with the task's
 *   terminal event. So a task
 *   nobody follows costs two small reads and no message; the terminal event of a followed task is
 *   never lost (the follower reads the store after setting its flag, the publisher reads the flag
 *   after its terminal write). A `created` event goes out only when someone follows every task.
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
  /** Whether someone follows each task that made events here (a cache of the flags; true is kept, false only while the control channel holds). */
  private readonly answers = new Map<string, boolean>();
  /** Someone in the fleet follows every task (the follow-all flag, re-read every few seconds). */
  private fleetFollowsAll = false;
  /** The follows channel's subscription holds: new follows are heard, so a "nobody follows" answer can be kept. */
  private followsHeard = false;
  private readonly followsChannel: string;
  private readonly timers: ReturnType<typeof setInterval>[] = [];

  constructor(options: RedisEventRelayOptions = {}) {
    if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('options', options, 'an object');
    this.keys = new KeyLayout(options.prefix ?? 'headway');
    this.channelPrefix = `${this.keys.base}:ev:`;
    this.controlChannel = `${this.keys.base}:ctl`;
    this.followsChannel = `${this.keys.base}:fol`;
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
      else if (channel === this.followsChannel) this.heardFollow(message);
      else if (!this.all) this.receive(message);
    });
    this.subscriber.on('pmessage', (_pattern: string, _channel: string, message: string) => this.receive(message));
    this.subscriber.on('ready', () => {
      if (this.wasReady) void this.resync();
      this.wasReady = true;
    });
    // Follows announced while the subscriber was away were not heard: forget every "nobody follows".
    this.subscriber.on('close', () => this.forgetUnfollowed());
    await Promise.all([connectClient(this.publisher), connectClient(this.subscriber)]);
    // Interest registered so far is subscribed now; later `follow` calls subscribe by themselves.
    this.deliver = deliver;
    const channels = [...this.interest.keys()].map((id) => this.channel(id));
    const subscribed: Promise<unknown>[] = [];
    if (channels.length > 0) subscribed.push(this.subscriber.subscribe(...channels));
    if (this.all) subscribed.push(this.subscriber.psubscribe(this.pattern()).then(() => this.announceAll()));
    if (this.control) subscribed.push(this.subscriber.subscribe(this.controlChannel));
    subscribed.push(this.subscriber.subscribe(this.followsChannel).then(() => void (this.followsHeard = true)));
    subscribed.push(this.readFollowAll());
    await Promise.all(subscribed);
    for (const id of this.interest.keys()) void this.announce(id);
    this.every(FOLLOW_ALL_POLL_MS, () => this.readFollowAll());
    this.every(FOLLOW_FLAG_MS / 3, () => this.renewFlags());
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
    // Subscribed, flagged, then read: a task that ended before the flag was set is seen in the store.
    this.subscriber.subscribe(this.channel(taskId)).then(
      () => this.announce(taskId).then(() => this.catchUp(taskId)),
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
    if (this.deliver && !this.closed) this.subscriber.psubscribe(this.pattern()).then(() => this.announceAll(), (error: Error) => this.onError(error));
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
    for (const timer of this.timers) clearInterval(timer);
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
    this.inFlight = this.send(batch).then(
      () => undefined,
      (error: Error) => this.onError(error),
    ).then(() => {
      this.inFlight = undefined;
      if (this.batch.size > 0 && !this.closed) void this.flush();
    });
    return this.inFlight;
  }

  /** Publishes the batch's events of the tasks someone follows (asking Redis about those not known), one message per channel. */
  private async send(batch: Map<string, TaskEvent[]>): Promise<void> {
    const ask: string[] = [];
    if (!this.fleetFollowsAll) {
      for (const [channel, events] of batch) {
        if (channel === this.controlChannel) continue;
        const id = channel.slice(this.channelPrefix.length);
        const known = this.answers.get(id);
        if (known === true || (known === false && !events.some(isTerminalEvent))) continue;
        // A task just created: nobody can follow it yet but who follows every task.
        if (known === undefined && events.every((event) => event.type === 'created')) continue;
        ask.push(id);
      }
    }
    if (ask.length > 0) {
      const flags = await this.publisher.mget(ask.map((id) => this.keys.followFlag(id)));
      ask.forEach((id, i) => this.answer(id, flags[i] !== null));
    }
    const pipeline = this.publisher.pipeline();
    for (const [channel, events] of batch) {
      if (channel !== this.controlChannel) {
        const id = channel.slice(this.channelPrefix.length);
        const followed = this.fleetFollowsAll || this.answers.get(id) === true;
        // The task ended here: what is known of it is no longer needed.
        if (events.some(isTerminalEvent)) this.answers.delete(id);
        else if (this.answers.get(id) === false && !this.followsHeard) this.answers.delete(id);
        if (!followed) continue;
      }
      const text = this.encode(events);
      if (text !== undefined) pipeline.publish(channel, text);
    }
    if (pipeline.length > 0) await pipeline.exec();
  }

  private answer(taskId: string, followed: boolean): void {
    this.answers.delete(taskId);
    this.answers.set(taskId, followed);
    if (this.answers.size > ANSWERS_MEMORY) this.answers.delete(this.answers.keys().next().value!);
  }

  private forgetUnfollowed(): void {
    this.followsHeard = false;
    for (const [id, followed] of this.answers) if (!followed) this.answers.delete(id);
  }

  /** Sets a followed task's flag and says so on the follows channel (publishers that remember "nobody follows" learn otherwise). */
  private async announce(taskId: string): Promise<void> {
    if (this.closed) return;
    try {
      await Promise.all([
        this.publisher.set(this.keys.followFlag(taskId), '1', 'PX', FOLLOW_FLAG_MS),
        this.publisher.publish(this.followsChannel, JSON.stringify({ o: this.node, f: taskId } satisfies FollowNotice)),
      ]);
    } catch (error) {
      this.onError(error as Error);
    }
  }

  private async announceAll(): Promise<void> {
    if (this.closed) return;
    try {
      await Promise.all([
        this.publisher.set(this.keys.followAllFlag, this.node, 'PX', FOLLOW_ALL_FLAG_MS),
        this.publisher.publish(this.followsChannel, JSON.stringify({ o: this.node, f: '*' } satisfies FollowNotice)),
      ]);
    } catch (error) {
      this.onError(error as Error);
    }
  }

  private async readFollowAll(): Promise<void> {
    if (this.all) await this.announceAll();
    try {
      this.fleetFollowsAll = (await this.publisher.exists(this.keys.followAllFlag)) === 1;
    } catch {
      // Redis away: keep what was known.
    }
  }

  private async renewFlags(): Promise<void> {
    if (this.interest.size === 0 || this.closed) return;
    const pipeline = this.publisher.pipeline();
    for (const id of this.interest.keys()) pipeline.set(this.keys.followFlag(id), '1', 'PX', FOLLOW_FLAG_MS);
    await pipeline.exec().catch((error: Error) => this.onError(error));
  }

  private every(ms: number, fn: () => Promise<void>): void {
    const timer = setInterval(() => void fn(), ms);
    timer.unref?.();
    this.timers.push(timer);
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


  /** Someone started following a task (or every task): its events made here are published from now on. */
  private heardFollow(message: string): void {
    let notice: FollowNotice;
    try {
      notice = JSON.parse(message) as FollowNotice;
    } catch {
      return;
    }
    if (typeof notice?.f !== 'string') return;
    if (notice.f === '*') this.fleetFollowsAll = true;
    else if (this.answers.has(notice.f)) this.answer(notice.f, true);
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
    this.followsHeard = true;
    if (this.all) await this.announceAll();
    for (const taskId of [...this.interest.keys()]) {
      await this.announce(taskId);
      await this.catchUp(taskId);
    }
  }

  /** Delivers the end of a followed task from its record, if it ended and that end was not delivered. */
  private async catchUp(taskId: string): Promise<void> {
    if (!this.store || this.ended.has(taskId) || !this.interest.has(taskId)) return;
    const record = await Promise.resolve(this.store.get(taskId, ANY_OWNER)).catch(() => undefined);
    if (record && isTerminal(record.status) && this.interest.has(taskId)) this.hand(terminalEventOf(record));
  }
}
