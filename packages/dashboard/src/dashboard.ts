import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ANY_OWNER, InvalidArgumentError, isTerminal } from '@headway/core';
import type { Reporter, TaskEvent, TaskSnapshot as TaskRecord } from '@headway/core';
import { MAX_PAGE_SIZE } from '@headway/core/spi';
import { Activity } from './activity.js';
import type { ActivityView } from './activity.js';
import { EventStream } from './event-stream.js';
import type { EventStreamStats } from './event-stream.js';
import { createHandler } from './http-handler.js';
import type { HandlerContext, NextFunction } from './http-handler.js';
import { resolveOptions } from './options.js';
import type { DashboardOptions, ResolvedDashboardOptions } from './options.js';
import { encodeFrame } from './sse-frame.js';
import type { SseFrame } from './sse-frame.js';
import { TaskBoard } from './task-board.js';
import type { TaskView } from './task-view.js';

export interface ListenOptions {
  /** Default 0 (any free port; see `url`). */
  port?: number;
  /** Default 127.0.0.1. Anything else exposes every owner's tasks to that network. */
  host?: string;
}

export interface DashboardServer {
  readonly server: Server;
  /** The page's address, e.g. `http://127.0.0.1:4319/`. */
  readonly url: string;
  readonly port: number;
  /** Closes open event streams and the server. */
  close(): Promise<void>;
}

export interface DashboardStats extends EventStreamStats {
  /** Task views held in memory. */
  tasks: number;
  /** Task views dropped to stay within `maxTasks`. */
  evictedTasks: number;
  /** Id of the last event sent. */
  lastEventId: number;
}

/** A reporter that keeps a bounded view of recent tasks and serves it as a live page. */
export interface Dashboard extends Reporter {
  readonly name: string;
  /** True: a fleet-wide view, so events relayed from other processes reach it too. */
  readonly remote: true;
  /**
   * Request handler for `http.createServer` (or as middleware: with `next`, requests outside
   * `basePath` or unknown routes go to it).
   */
  handle(req: IncomingMessage, res: ServerResponse, next?: NextFunction): Promise<void>;
  /** Starts an HTTP server for the dashboard alone. */
  listen(options?: ListenOptions): Promise<DashboardServer>;
  stats(): DashboardStats;
  /** Ends every event stream; later events are ignored. Called by `manager.shutdown()`. */
  close(): Promise<void>;
}

// Events that change nothing the page shows; they update the board but send no frame.
function isSilent(event: TaskEvent): boolean {
  return event.type === 'resources' || event.type === 'checkpoint' || (event.type === 'progress' && event.heartbeat === true);
}

class DashboardImpl implements Dashboard, HandlerContext {
  readonly name = 'dashboard';
  readonly remote = true;
  readonly board: TaskBoard;
  readonly activity = new Activity();
  /** Events after this are counted in `activity` as they come; records before it when seeding. */
  private readonly since = Date.now();
  readonly stream: EventStream;
  readonly handle: Dashboard['handle'];
  closed = false;
  private seq = 0;
  private seeding?: Promise<void>;
  /** Records are counted into `activity` by the first seeding only (a retry must not count twice). */
  private backfilled = false;

  constructor(readonly options: ResolvedDashboardOptions) {
    this.board = new TaskBoard({ maxTasks: options.maxTasks, maxLogLines: options.maxLogLines, ownerLabel: options.ownerLabel });
    this.stream = new EventStream({
      frameMs: options.frameMs,
      heartbeatMs: options.heartbeatMs,
      maxBuffer: options.maxClientBuffer,
      maxClients: options.maxClients,
    });
    this.handle = createHandler(this);
  }

  onEvent(event: TaskEvent): void {
    if (this.closed) return;
    this.count(event);
    const { view, log } = this.board.apply(event);
    const id = ++this.seq;
    if (event.type === 'retrying' && view.maxAttempts === undefined) this.fillMaxAttempts(view);
    if (!this.stream.hasClients || isSilent(event)) return;
    if (event.type === 'progress') this.stream.sendProgress(encodeFrame(id, 'progress', { task: view }), event.taskId);
    else this.stream.send(encodeFrame(id, 'task', { type: event.type, task: view, ...(log && { log }) }), event.taskId);
  }

  /** Counts a task's first start and its end for the activity charts. */
  private count(event: TaskEvent): void {
    // The dashboard's first millisecond belongs to the backfill (`<= since`), so nothing counts twice or not at all.
    if (event.at <= this.since) return;
    if (event.type === 'started') {
      if (this.board.get(event.taskId)?.startedAt === undefined) this.activity.started(event.at);
    } else if (event.type === 'completed' || event.type === 'failed' || event.type === 'cancelled') {
      this.activity.finished(event.at, event.taskId, event.kind, event.type, event.durationMs);
    }
  }

  activityView(): ActivityView {
    return this.activity.view(Date.now());
  }

  /** A task first seen without its `created` event (recovered, relayed) has no attempt budget yet: read it once when it retries. */
  private fillMaxAttempts(view: TaskView): void {
    this.options
      .manager()
      .get(view.id, { owner: ANY_OWNER })
      .then((record) => {
        if (!record || this.closed || view.maxAttempts !== undefined) return;
        view.maxAttempts = record.maxAttempts;
        if (this.stream.hasClients) this.stream.sendProgress(encodeFrame(++this.seq, 'progress', { task: view }), view.id);
      })
      .catch(() => undefined);
  }

  ready(): Promise<void> {
    return (this.seeding ??= this.seed());
  }

  snapshot(lastEventId: string | undefined): SseFrame {
    const manager = this.options.manager();
    const tasks = this.board.views();
    return encodeFrame(this.seq, 'snapshot', {
      tasks,
      log: this.board.logLines(),
      counts: manager.stats().tasks,
      ...(lastEventId !== undefined && { resumedFrom: lastEventId.slice(0, 32) }),
    });
  }

  managerStats(): unknown {
    const manager = this.options.manager();
    return manager.stats();
  }

  stats(): DashboardStats {
    return { ...this.stream.stats(), tasks: this.board.size, evictedTasks: this.board.evicted, lastEventId: this.seq };
  }

  async listen(options: ListenOptions = {}): Promise<DashboardServer> {
    if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('listen options', options, 'an object');
    const port = options.port ?? 0;
    const host = options.host ?? '127.0.0.1';
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('port', port, 'an integer from 0 to 65535');
    if (typeof host !== 'string' || host === '') throw new InvalidArgumentError('host', host, 'a host name or IP address');
    const server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address() as AddressInfo;
    const shown = host.includes(':') ? `[${host}]` : host;
    return {
      server,
      port: address.port,
      url: `http://${shown}:${address.port}${this.options.basePath}/`,
      close: () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stream.close();
  }

  /** Loads the newest `maxTasks` records that existed before the dashboard saw their events. */
  private async seed(): Promise<void> {
    const manager = this.options.manager();
    const keep = this.options.maxTasks;
    let recent: TaskRecord[] = [];
    let cursor: string | undefined;
    try {
      do {
        const page = await manager.list({ owner: ANY_OWNER, limit: MAX_PAGE_SIZE, ...(cursor !== undefined && { cursor }) });
        if (!this.backfilled) for (const record of page.tasks) this.backfill(record);
        recent.push(...page.tasks);
        if (recent.length > keep) recent = recent.slice(recent.length - keep);
        cursor = page.nextCursor;
      } while (cursor !== undefined);
    } catch {
      // A failing store leaves the board to live events; the next stream retries.
      this.backfilled = true;
      this.seeding = undefined;
      return;
    }
    this.backfilled = true;
    this.board.seed(recent);
  }

  /** Counts what a record tells of the hour before the dashboard existed (later, events count). */
  private backfill(record: TaskRecord): void {
    const { startedAt, finishedAt } = record;
    if (startedAt !== undefined && startedAt <= this.since) this.activity.started(startedAt);
    if (finishedAt !== undefined && finishedAt <= this.since && isTerminal(record.status)) {
      this.activity.finished(finishedAt, record.id, record.kind, record.status, finishedAt - (startedAt ?? record.createdAt));
    }
  }
}

/** Creates a dashboard; add it to the manager's reporters (or `manager.hub.add(dashboard)`). */
export function createDashboard(options: DashboardOptions): Dashboard {
  return new DashboardImpl(resolveOptions(options));
}
