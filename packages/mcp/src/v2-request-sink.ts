// The reporter of one open v2 request (an inline call, either era): progress on the request's own
// token, strictly increasing, with the status line as its message; log lines while it is open
// (the SDK sends them on 2026-07-28 only when the request asked for a level). Nothing after close().
// On stdio, progress is held back and confirmed as on the v1 binding (progress-delivery.ts).
import { lifecycleLine } from '@headway/core';
import type { ProgressEvent, Reporter, TaskEvent, TaskEventType } from '@headway/core';
import { ProgressDelivery } from './progress-delivery.js';
import { statusLine } from './status-line.js';
import type { StatusLineFacts } from './status-line.js';
import { loggerOfLine } from './log-line.js';

export interface V2RequestChannel {
  readonly progressToken?: string | number | undefined;
  readonly signal: AbortSignal;
  notify(notification: { method: string; params: Record<string, unknown> }): Promise<void>;
  log(level: 'debug' | 'info' | 'notice' | 'warning' | 'error' | 'critical' | 'alert' | 'emergency', data: unknown, logger?: string): Promise<void>;
  /** Pings the client on the request's behalf; undefined where the era has no server-to-client request (2026-07-28). */
  readonly ping?: ((options: { timeout: number; signal: AbortSignal }) => Promise<unknown>) | undefined;
}

/** Where progress and the answer can reach the client in one read (stdio), and how long progress is held back there. */
export interface V2ProgressPolicy {
  readonly mixed: boolean;
  readonly holdMs: number;
}

const EVENTS: readonly TaskEventType[] = ['progress', 'log', 'started', 'milestone', 'retrying', 'completed', 'failed', 'cancelled'];

export class V2RequestSink implements Reporter {
  readonly name = 'mcp-v2-request';
  readonly eventTypes = EVENTS;
  private open = true;
  private readonly progressOut: ProgressDelivery;
  private resolveTerminal!: () => void;
  /** Resolves once the task's terminal event went out on the request (or the sink closed). */
  readonly terminal = new Promise<void>((resolve) => (this.resolveTerminal = resolve));

  constructor(
    private readonly channel: V2RequestChannel,
    private readonly logger: string,
    /** The status-line facts of a progress event (phase counts and ETA tracked elsewhere), if known. */
    private readonly factsOf?: (event: ProgressEvent) => StatusLineFacts | undefined,
    policy: V2ProgressPolicy = { mixed: false, holdMs: 0 },
  ) {
    this.progressOut = new ProgressDelivery(
      {
        isOpen: () => this.open && !channel.signal.aborted,
        send: (progress, message) => this.sendProgress(progress, message ?? ''),
      },
      { mixed: policy.mixed && channel.progressToken !== undefined, holdMs: policy.holdMs, ping: channel.ping, signal: channel.signal },
    );
  }

  close(): void {
    this.open = false;
    this.progressOut.close();
    this.resolveTerminal();
  }

  /**
   * Resolves once the client has handled the progress this request sent, where the transport
   * needs telling and the era lets the server ask (progress-delivery.ts). Call after `close()`.
   */
  settle(): Promise<void> {
    return this.progressOut.settle();
  }

  onEvent(event: TaskEvent): Promise<void> | void {
    const sent = this.send(event);
    if (event.type !== 'completed' && event.type !== 'failed' && event.type !== 'cancelled') return sent;
    if (!sent) return this.resolveTerminal();
    return sent.finally(this.resolveTerminal);
  }

  private send(event: TaskEvent): Promise<void> | void {
    if (!this.open || this.channel.signal.aborted) return;
    if (event.type === 'progress') {
      const facts = this.factsOf?.(event) ?? { phase: event.phase, message: event.message, percent: event.progress, ...(event.progress < 100 && { etaMs: event.etaMs }) };
      if (this.channel.progressToken === undefined) return;
      return this.progressOut.offer(event.progress, statusLine(facts)).catch(() => undefined);
    }
    if (event.type === 'log') {
      const logger = loggerOfLine(event, this.logger);
      return this.channel.log(event.level, { message: event.message, taskId: event.taskId, ...(event.data !== undefined && { data: event.data }) }, logger).catch(() => undefined);
    }
    const line = lifecycleLine(event);
    if (line) return this.channel.log(line.level, { message: line.message, taskId: event.taskId, ...line.data }, this.logger).catch(() => undefined);
  }

  private async sendProgress(progress: number, message: string): Promise<void> {
    await this.channel.notify({ method: 'notifications/progress', params: { progressToken: this.channel.progressToken!, progress, total: 100, message } }).catch(() => undefined);
  }
}

