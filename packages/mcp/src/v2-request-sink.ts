// The reporter of one open v2 request (an inline call, either era): progress on the request's own
// token, strictly increasing, with the status line as its message; log lines while it is open
// (the SDK sends them on 2026-07-28 only when the request asked for a level). Nothing after close().
import { lifecycleLine } from '@headway/core';
import type { ProgressEvent, Reporter, TaskEvent, TaskEventType } from '@headway/core';
import { MonotonicProgress } from './progress-values.js';
import { statusLine } from './status-line.js';
import type { StatusLineFacts } from './status-line.js';

export interface V2RequestChannel {
  readonly progressToken?: string | number | undefined;
  readonly signal: AbortSignal;
  notify(notification: { method: string; params: Record<string, unknown> }): Promise<void>;
  log(level: 'debug' | 'info' | 'notice' | 'warning' | 'error' | 'critical' | 'alert' | 'emergency', data: unknown, logger?: string): Promise<void>;
}

const EVENTS: readonly TaskEventType[] = ['progress', 'log', 'started', 'milestone', 'retrying', 'completed', 'failed', 'cancelled'];

export class V2RequestSink implements Reporter {
  readonly name = 'mcp-v2-request';
  readonly eventTypes = EVENTS;
  private open = true;
  private readonly values = new MonotonicProgress();
  private resolveTerminal!: () => void;
  /** Resolves once the task's terminal event went out on the request (or the sink closed). */
  readonly terminal = new Promise<void>((resolve) => (this.resolveTerminal = resolve));

  constructor(
    private readonly channel: V2RequestChannel,
    private readonly logger: string,
    /** The status-line facts of a progress event (phase counts and ETA tracked elsewhere), if known. */
    private readonly factsOf?: (event: ProgressEvent) => StatusLineFacts | undefined,
  ) {}

  close(): void {
    this.open = false;
    this.resolveTerminal();
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
      return this.progress(event.progress, statusLine(facts));
    }
    if (event.type === 'log') {
      const logger = loggerOf(event.data) ?? event.logger ?? this.logger;
      return this.channel.log(event.level, { message: event.message, taskId: event.taskId, ...(event.data !== undefined && { data: event.data }) }, logger).catch(() => undefined);
    }
    const line = lifecycleLine(event);
    if (line) return this.channel.log(line.level, { message: line.message, taskId: event.taskId, ...line.data }, this.logger).catch(() => undefined);
  }

  private async progress(progress: number, message: string): Promise<void> {
    const token = this.channel.progressToken;
    if (token === undefined) return;
    const value = this.values.next(progress);
    if (value === undefined) return;
    await this.channel.notify({ method: 'notifications/progress', params: { progressToken: token, progress: value, total: 100, message } }).catch(() => undefined);
  }
}

function loggerOf(data: unknown): string | undefined {
  const logger = (data as { logger?: unknown } | undefined)?.logger;
  return typeof logger === 'string' ? logger : undefined;
}
