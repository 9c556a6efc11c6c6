import { lifecycleLine } from '@headway/core';
import type { CreatedEvent, LogLevel, Reporter, TaskEvent, TaskEventType } from '@headway/core';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { EmptyResultSchema } from '@modelcontextprotocol/sdk/types.js';
import type { LoggingLevel, ProgressToken, ServerNotification, Task } from '@modelcontextprotocol/sdk/types.js';
import type { LogLevels } from './log-levels.js';
import { ProgressDelivery, mustConfirmProgress } from './progress-delivery.js';
import type { McpExtra } from './types.js';
import { loggerOfLine } from './log-line.js';

export interface RequestSinkOptions {
  server: Server;
  extra: McpExtra;
  sessionKey: string;
  levels: LogLevels;
  logger: string;
  /** Send progress on the request's token while it is open. */
  progress: boolean;
  /**
   * Where the client must confirm progress before the answer (`mustConfirmProgress`), progress is
   * held back until the request has been open this long (ms); 0: not held back.
   */
  progressAfterMs?: number;
  /** Whether the request stays open while the task runs (inline); a handle or native answer is immediate, so nothing is request-scoped. */
  open: boolean;
  /** After the response, keep sending log lines on the session (not request-scoped). */
  logAfterResponse: boolean;
  /** For native tasks: announce status changes with `notifications/tasks/status`. */
  native?: { pollIntervalMs: number } | undefined;
}

/**
 * The per-task reporter for one MCP request: progress on the request's own token, log lines
 * (lifecycle and `ctx.log`) as `notifications/message`, and task status for native tasks.
 * Request-scoped traffic stops for good at `closeRequest()`, which runs before the response.
 */
export class RequestSink implements Reporter {
  readonly name = 'mcp-request';
  private open: boolean;
  private readonly token: ProgressToken | undefined;
  /** Holds back and confirms progress where the transport needs it (progress-delivery.ts). */
  private readonly progressOut: ProgressDelivery;
  /** What a native task's status notifications repeat; times as ISO strings only when one is sent. */
  private nativeTask?: { taskId: string; ttl: number; createdAt: number };
  private terminalReached = false;
  private resolveTerminal?: () => void;
  private terminalPromise?: Promise<void>;
  /** Only what a native task's status needs, when nothing else can be sent (no open request, no session logging). */
  readonly eventTypes?: readonly TaskEventType[];

  constructor(private readonly options: RequestSinkOptions) {
    this.token = options.extra._meta?.progressToken;
    this.open = options.open;
    const { extra } = options;
    this.progressOut = new ProgressDelivery(
      {
        isOpen: () => this.progressGoesOut,
        send: (progress, message) => this.sendProgress(progress, message),
      },
      {
        mixed: options.progress && options.open && this.token !== undefined && mustConfirmProgress(options.server.transport),
        holdMs: options.progressAfterMs ?? 0,
        ping: (ping) => extra.sendRequest({ method: 'ping' }, EmptyResultSchema, ping),
        signal: extra.signal,
      },
    );
    if (!options.open && !options.logAfterResponse) this.eventTypes = options.native ? NATIVE_STATUS_EVENTS : [];
  }

  /** Whether this sink can send anything at all; one that cannot need not be attached. */
  get sends(): boolean {
    return this.eventTypes === undefined || this.eventTypes.length > 0;
  }

  /** Resolves once the terminal event reached this sink. */
  get terminal(): Promise<void> {
    if (this.terminalReached) return Promise.resolve();
    return (this.terminalPromise ??= new Promise<void>((resolve) => (this.resolveTerminal = resolve)));
  }

  closeRequest(): void {
    this.open = false;
    this.progressOut.close();
  }

  /**
   * Resolves once the client has handled every progress notification this request sent, where
   * its transport needs telling (see `mustConfirmProgress`): the answer may go out then, without
   * the client dropping progress read together with it. Call after `closeRequest()`.
   */
  async settle(): Promise<void> {
    await this.progressOut.settle();
  }

  /** Progress is sent on the request's token while the request is open. */
  private get progressGoesOut(): boolean {
    return this.options.progress && this.token !== undefined && this.requestOpen;
  }

  get requestOpen(): boolean {
    return this.open && !this.options.extra.signal.aborted;
  }

  /** Synchronous when there is nothing to send, so the hub does not wait on a promise for it. */
  onEvent(event: TaskEvent): Promise<void> | void {
    if (this.mightSend(event)) return this.deliver(event);
    if (event.type === 'created' && this.options.native) this.startNativeTask(event);
    if (event.type === 'completed' || event.type === 'failed' || event.type === 'cancelled') this.reachTerminal();
  }

  private mightSend(event: TaskEvent): boolean {
    if (event.type === 'progress') return this.progressGoesOut;
    if (this.requestOpen || this.options.logAfterResponse) return true;
    return this.options.native !== undefined && event.type !== 'created';
  }

  private async deliver(event: TaskEvent): Promise<void> {
    try {
      const logging = this.requestOpen || this.options.logAfterResponse;
      if (event.type === 'progress') await this.progressOut.offer(event.progress, event.message);
      else if (!logging) {
        // Nowhere to send log lines: skip building them.
      } else if (event.type === 'log') {
        const logger = loggerOfLine(event, this.options.logger);
        await this.sendLog(event.level, logger, { message: event.message, taskId: event.taskId, ...(event.data !== undefined && { data: event.data }) });
      } else {
        const line = lifecycleLine(event);
        if (line) await this.sendLog(line.level, this.options.logger, { message: line.message, taskId: event.taskId, ...line.data });
      }
      if (this.options.native) await this.sendStatus(event);
    } finally {
      if (event.type === 'completed' || event.type === 'failed' || event.type === 'cancelled') this.reachTerminal();
    }
  }

  close(): void {
    this.reachTerminal();
  }

  private reachTerminal(): void {
    this.terminalReached = true;
    this.resolveTerminal?.();
  }

  private async sendProgress(progress: number, message: string | undefined): Promise<void> {
    await this.options.extra.sendNotification({
      method: 'notifications/progress',
      params: { progressToken: this.token!, progress, total: 100, ...(message !== undefined && { message }) },
    });
  }

  private async sendLog(level: LogLevel, logger: string, data: Record<string, unknown>): Promise<void> {
    const mcpLevel: LoggingLevel = level;
    if (!this.options.levels.allows(this.options.sessionKey, mcpLevel)) return;
    const notification: ServerNotification = { method: 'notifications/message', params: { level: mcpLevel, logger, data } };
    if (this.requestOpen) await this.options.extra.sendNotification(notification);
    else if (this.options.logAfterResponse) await this.toSession(notification);
  }

  private startNativeTask(event: CreatedEvent): void {
    this.nativeTask = { taskId: event.taskId, ttl: event.ttlMs, createdAt: event.at };
  }

  private async sendStatus(event: TaskEvent): Promise<void> {
    if (event.type === 'created') {
      this.startNativeTask(event);
      return;
    }
    const task = this.nativeTask;
    if (!task) return;
    let status: Task['status'] | undefined;
    let statusMessage: string | undefined;
    if (event.type === 'status' && (event.status === 'working' || event.status === 'input_required')) {
      status = event.status;
      statusMessage = event.message;
    } else if (event.type === 'completed') status = 'completed';
    else if (event.type === 'failed') [status, statusMessage] = ['failed', event.error.message];
    else if (event.type === 'cancelled') [status, statusMessage] = ['cancelled', event.reason];
    if (!status) return;
    const params: Task = {
      taskId: task.taskId,
      status,
      ttl: task.ttl,
      createdAt: new Date(task.createdAt).toISOString(),
      lastUpdatedAt: new Date(event.at).toISOString(),
      pollInterval: this.options.native!.pollIntervalMs,
    };
    if (statusMessage !== undefined) params.statusMessage = statusMessage;
    await this.toSession({ method: 'notifications/tasks/status', params });
  }

  /** Session-wide delivery; a connection that has gone away simply misses it. */
  private async toSession(notification: ServerNotification): Promise<void> {
    if (!this.options.server.transport) return;
    await this.options.server.notification(notification).catch(() => undefined);
  }
}

const NATIVE_STATUS_EVENTS: readonly TaskEventType[] = Object.freeze(['created', 'status', 'completed', 'failed', 'cancelled'] as const);

