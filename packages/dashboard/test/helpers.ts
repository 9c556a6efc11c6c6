import { request } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { TaskManager } from '@headway/core';
import type { TaskManagerOptions } from '@headway/core';
import { createDashboard } from '../src/index.js';
import type { Dashboard, DashboardOptions, DashboardServer } from '../src/index.js';

export interface Rig {
  manager: TaskManager;
  dashboard: Dashboard;
  server: DashboardServer;
  url: string;
  close(): Promise<void>;
}

/** A real manager with the dashboard as a reporter, served on a free loopback port. */
export async function startRig(
  dashboardOptions: Omit<DashboardOptions, 'manager'> = {},
  managerOptions: TaskManagerOptions = {},
): Promise<Rig> {
  // The manager is read lazily, so the dashboard can be one of its reporters.
  const dashboard = createDashboard({ ...dashboardOptions, manager: () => manager });
  const manager = new TaskManager({
    progress: { minIntervalMs: 0 },
    resources: { enabled: false },
    ...managerOptions,
    reporters: [dashboard, ...(managerOptions.reporters ?? [])],
  });
  const server = await dashboard.listen();
  return {
    manager,
    dashboard,
    server,
    url: server.url,
    async close() {
      await server.close();
      await manager.shutdown({ mode: 'abort', timeoutMs: 2000 });
    },
  };
}

export interface HttpAnswer {
  status: number;
  headers: IncomingMessage['headers'];
  text: string;
  json: unknown;
}

export function http(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

export interface SseMessage {
  id?: string;
  event: string;
  data: string;
}

/** A raw SSE connection: parses the stream into messages and comments. */
export class SseReader {
  readonly messages: SseMessage[] = [];
  readonly comments: string[] = [];
  retry?: number;
  status = 0;
  ended = false;
  private buffer = '';
  private waiters: (() => void)[] = [];
  private res?: IncomingMessage;
  private readonly req;

  constructor(url: string, headers: Record<string, string> = {}) {
    this.req = request(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      this.res = res;
      this.status = res.statusCode ?? 0;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => this.feed(chunk));
      res.on('end', () => this.end());
      res.on('error', () => this.end());
      res.on('close', () => this.end());
      this.wake();
    });
    this.req.on('error', () => this.end());
    this.req.end();
  }

  parsed<T = unknown>(event?: string): (SseMessage & { json: T })[] {
    return this.messages
      .filter((m) => event === undefined || m.event === event)
      .map((m) => ({ ...m, json: JSON.parse(m.data) as T }));
  }

  /** Waits until `check` holds, re-checking after each chunk. */
  async until(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 200);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.req.destroy();
    this.res?.destroy();
  }

  private feed(chunk: string): void {
    this.buffer += chunk;
    let at: number;
    while ((at = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, at);
      this.buffer = this.buffer.slice(at + 2);
      const message: SseMessage = { event: 'message', data: '' };
      let hasData = false;
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) this.comments.push(line.slice(1).trim());
        else if (line.startsWith('id: ')) message.id = line.slice(4);
        else if (line.startsWith('event: ')) message.event = line.slice(7);
        else if (line.startsWith('data: ')) {
          message.data += (hasData ? '\n' : '') + line.slice(6);
          hasData = true;
        } else if (line.startsWith('retry: ')) this.retry = Number(line.slice(7));
      }
      if (hasData) this.messages.push(message);
    }
    this.wake();
  }

  private end(): void {
    this.ended = true;
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

/** A promise with its resolve function, to hold a task at a known point. */
export function gate(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

export async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
