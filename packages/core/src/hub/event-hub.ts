import type { TaskEvent } from '../events.js';
import { isTerminalEvent } from '../events.js';
import type { Reporter } from '../reporter.js';
import { ReporterChannel } from './reporter-channel.js';
import type { ChannelOptions, ChannelStats } from './reporter-channel.js';

export interface EventHubOptions {
  /**
   * Per reporter, how many events other than progress may wait; default 10000. A reporter that falls
   * further behind still gets the latest progress of every task and every `created` and terminal
   * event (a `created` may be folded into its task's queued end), and misses newer logs, phases,
   * milestones and the like until it catches up (all counted in `stats()`).
   */
  maxQueue?: number;
  /** Default 5000 ms. */
  hangTimeoutMs?: number;
  /** Told once per reporter when it throws/rejects and once when it hangs. Default: a process warning. */
  onReporterTrouble?: (reporter: string, kind: 'error' | 'hung', detail: unknown) => void;
}

export interface PublishOptions {
  /**
   * The event was made in another process and arrived through the event relay: it reaches the
   * task's own reporters and the global reporters with `remote: true`, not the others (metric and
   * trace sinks count the events of their own process, so each event is counted once in a fleet).
   */
  remote?: boolean;
}

function defaultTrouble(reporter: string, kind: 'error' | 'hung', detail: unknown): void {
  const what = kind === 'error' ? 'threw' : 'stopped answering';
  const why = detail instanceof Error ? detail.message : String(detail);
  process.emitWarning(`Headway reporter "${reporter}" ${what}: ${why}. Tasks are unaffected; further trouble is counted, not repeated.`, 'HeadwayReporterWarning');
}

/** Reporters attached to one task by `EventHub.attach`. */
export interface Attachment {
  /**
   * Delivers `event` (the task's terminal event, rebuilt from its record) to these reporters only,
   * and ends the attachment, unless they already saw a terminal event. Returns whether it did.
   */
  finish(event: TaskEvent): boolean;
  /** Removes these reporters from the task (its creation failed); they are closed. */
  detach(): void;
}

/** Fans task events out to reporters: global ones and those attached to one task. */
export class EventHub {
  private readonly channelOptions: ChannelOptions;
  private readonly global: ReporterChannel[] = [];
  private readonly perTask = new Map<string, ReporterChannel[]>();
  /** Per-task channels whose task ended, until their last events were delivered. */
  private readonly closing = new Set<ReporterChannel>();
  /** Per-task channels whose reporter must not be closed when the task ends. */
  private readonly keepOpen = new WeakSet<ReporterChannel>();
  private closed = false;

  constructor(reporters: readonly Reporter[] = [], options: EventHubOptions = {}) {
    const trouble = options.onReporterTrouble ?? defaultTrouble;
    this.channelOptions = {
      maxQueue: options.maxQueue ?? 10_000,
      hangTimeoutMs: options.hangTimeoutMs ?? 5_000,
      onTrouble: (reporter, kind, detail) => trouble(reporter.name ?? reporter.constructor?.name ?? 'reporter', kind, detail),
    };
    for (const reporter of reporters) this.add(reporter);
  }

  /**
   * Adds a reporter that receives every task's events from now on, or only those of one `kind`.
   * Events relayed from other processes reach it only when it says `remote: true`. It is closed
   * with the hub.
   */
  add(reporter: Reporter, filter: { kind?: string } = {}): void {
    this.global.push(new ReporterChannel(reporter, this.channelOptions, filter.kind));
  }

  /**
   * Attaches reporters to one task until its terminal event was delivered to them; then they are
   * closed, unless `close: false` (reporters that serve other tasks too) or added with `add` as
   * well. They get the task's events from this process and relayed ones alike; meanwhile, a
   * reporter added with `add` whose sink (`Reporter.wraps`) one of them has gets none of this task's.
   */
  attach(taskId: string, reporters: readonly Reporter[], options: { close?: boolean } = {}): Attachment {
    // All made before any is attached: a reporter refused (its `wraps`, `eventTypes`…) attaches none.
    const mine = reporters.map((reporter) => new ReporterChannel(reporter, this.channelOptions));
    if (mine.length > 0) {
      if (options.close === false) for (const channel of mine) this.keepOpen.add(channel);
      this.perTask.set(taskId, [...(this.perTask.get(taskId) ?? []), ...mine]);
    }
    const take = (last: TaskEvent | undefined): boolean => {
      const channels = this.perTask.get(taskId);
      const still = mine.filter((c) => channels?.includes(c));
      if (still.length === 0) return false;
      const rest = channels!.filter((c) => !still.includes(c));
      if (rest.length > 0) this.perTask.set(taskId, rest);
      else this.perTask.delete(taskId);
      for (const channel of still) {
        if (last) channel.push(last);
        void this.closeChannel(channel);
      }
      return true;
    };
    return { finish: (event) => take(event), detach: () => void take(undefined) };
  }

  /**
   * Hands an event to the reporters. An event made in another process (`remote`) reaches the
   * reporters attached to its task and the global ones that set `remote: true`. A global reporter
   * whose sink is attached to the event's task is left out: the attached one delivers it.
   */
  publish(event: TaskEvent, options?: PublishOptions): void {
    if (this.closed) return;
    const local = options?.remote !== true;
    const channels = this.perTask.size === 0 ? undefined : this.perTask.get(event.taskId);
    for (let i = 0; i < this.global.length; i++) {
      const channel = this.global[i]!;
      if (!(local || channel.remote) || (channel.kind !== undefined && channel.kind !== event.kind)) continue;
      // A sink attached to this task gets its events through the attachment only.
      if (channels !== undefined && reaches(channels, channel.sink)) continue;
      channel.push(event);
    }
    if (!channels) return;
    for (const channel of channels) channel.push(event);
    if (isTerminalEvent(event)) {
      this.perTask.delete(event.taskId);
      for (const channel of channels) void this.closeChannel(channel);
    }
  }

  /** Whether any global reporter takes events relayed from other processes. */
  takesRemote(): boolean {
    return this.global.some((c) => c.remote);
  }

  /** Waits until every queued event was delivered, then flushes reporters that buffer. */
  async flush(): Promise<void> {
    const channels = [...this.global, ...[...this.perTask.values()].flat(), ...this.closing];
    await Promise.all(channels.map((c) => c.idle()));
    await Promise.all(channels.map((c) => this.guard(c, () => c.reporter.flush?.())));
  }

  /** Flushes, then closes every reporter. Later events are ignored. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    const attached = [...this.perTask.values()].flat().filter((c) => !this.keepOpen.has(c) && !this.isGlobal(c.reporter));
    this.perTask.clear();
    await Promise.all([...this.global, ...attached].map((c) => this.guard(c, () => c.reporter.close?.())));
  }

  stats(): ChannelStats[] {
    return this.global.map((c) => ({ ...c.stats, queued: c.size }));
  }

  private async closeChannel(channel: ReporterChannel): Promise<void> {
    this.closing.add(channel);
    await channel.idle();
    if (!this.keepOpen.has(channel) && !this.isGlobal(channel.reporter)) await this.guard(channel, () => channel.reporter.close?.());
    this.closing.delete(channel);
  }

  /** Whether `reporter` was also added for every task or a kind (then it is closed with the hub). */
  private isGlobal(reporter: Reporter): boolean {
    return this.global.some((c) => c.reporter === reporter);
  }

  /** Runs a reporter hook with the same isolation and time bound as deliveries. */
  private async guard(channel: ReporterChannel, hook: () => void | Promise<void>): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await Promise.race([
        Promise.resolve().then(hook),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, this.channelOptions.hangTimeoutMs);
          timer.unref?.();
        }),
      ]);
    } catch (error) {
      channel.stats.errors++;
      this.channelOptions.onTrouble(channel.reporter, 'error', error);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Whether one of a task's channels delivers to `sink`. */
function reaches(channels: readonly ReporterChannel[], sink: Reporter): boolean {
  for (let i = 0; i < channels.length; i++) if (channels[i]!.sink === sink) return true;
  return false;
}

export type { ChannelStats };
