import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { ANY_OWNER, InvalidArgumentError } from '@headway/core';
import type { ActivityView } from './activity.js';
import type { EventStream } from './event-stream.js';
import { HttpError, sendError, sendJson } from './http-errors.js';
import type { ResolvedDashboardOptions } from './options.js';
import { renderPage } from './page.js';
import { parseListQuery } from './query.js';
import type { SseFrame } from './sse-frame.js';
import type { TaskBoard } from './task-board.js';
import { viewFromRecord } from './task-view.js';
import type { TaskView } from './task-view.js';

/** What the HTTP layer needs from the dashboard. */
export interface HandlerContext {
  readonly options: ResolvedDashboardOptions;
  readonly board: TaskBoard;
  readonly stream: EventStream;
  readonly closed: boolean;
  /** Resolves once tasks that existed before the dashboard are loaded. */
  ready(): Promise<void>;
  snapshot(lastEventId: string | undefined): SseFrame;
  stats(): unknown;
  /** The manager's task counts and reporter delivery statistics. */
  managerStats(): unknown;
  /** Tasks started and finished, and durations, over the last hour. */
  activityView(): ActivityView;
}

/** The header a cancel request must carry; a custom header forces a CORS preflight, so other sites cannot post it. */
export const CANCEL_HEADER = 'x-headway-dashboard';

export type NextFunction = (error?: unknown) => void;

export function createHandler(ctx: HandlerContext) {
  const { options } = ctx;
  return async function handle(req: IncomingMessage, res: ServerResponse, next?: NextFunction): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://dashboard.invalid');
      const base = options.basePath;
      if (base !== '' && url.pathname !== base && !url.pathname.startsWith(`${base}/`)) {
        if (next) return next();
        throw new HttpError(404, 'not_found', `No dashboard route ${url.pathname}`);
      }
      const path = url.pathname.slice(base.length) || '/';
      checkHost(req, options.allowedHosts);
      if (options.authorize) {
        let allowed = false;
        try {
          allowed = (await options.authorize(req)) === true;
        } catch {
          allowed = false;
        }
        if (!allowed) throw new HttpError(403, 'forbidden', 'Not authorized to view this dashboard');
      }
      await route(ctx, req, res, path, url.searchParams, next);
    } catch (error) {
      sendError(res, error);
    }
  };
}

async function route(
  ctx: HandlerContext,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  params: URLSearchParams,
  next: NextFunction | undefined,
): Promise<void> {
  const method = req.method ?? 'GET';
  if (path === '/' || path === '/index.html') {
    allow(method, ['GET', 'HEAD']);
    return servePage(ctx, res, method === 'HEAD');
  }
  if (path === '/api/events') {
    allow(method, ['GET']);
    return serveEvents(ctx, req, res);
  }
  if (path === '/api/stats') {
    allow(method, ['GET']);
    return sendJson(res, 200, { dashboard: ctx.stats(), manager: ctx.managerStats() });
  }
  if (path === '/api/tasks') {
    allow(method, ['GET']);
    return listTasks(ctx, res, params);
  }
  if (path === '/api/activity') {
    allow(method, ['GET']);
    noParams(params);
    await ctx.ready();
    return sendJson(res, 200, ctx.activityView());
  }
  const match = /^\/api\/tasks\/([^/]+)(\/cancel)?$/.exec(path);
  if (match) {
    const id = decodeId(match[1]!);
    if (match[2]) {
      allow(method, ['POST']);
      return cancelTask(ctx, req, res, id);
    }
    allow(method, ['GET']);
    return getTask(ctx, res, id);
  }
  if (next) return next();
  throw new HttpError(404, 'not_found', `No dashboard route ${path}`);
}

function noParams(params: URLSearchParams): void {
  for (const key of params.keys()) throw new InvalidArgumentError('query parameter', key, 'none');
}

function allow(method: string, methods: readonly string[]): void {
  if (!methods.includes(method)) {
    throw new HttpError(405, 'method_not_allowed', `Method ${method} not allowed here (allowed: ${methods.join(', ')})`, {
      allow: methods.join(', '),
    });
  }
}

function checkHost(req: IncomingMessage, allowed: ReadonlySet<string> | 'any'): void {
  if (allowed === 'any') return;
  const host = (req.headers.host ?? '').toLowerCase();
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d+$/, '');
  if (!allowed.has(name)) {
    throw new HttpError(
      403,
      'host_not_allowed',
      `Host ${JSON.stringify(host)} is not allowed; add it to the dashboard's allowedHosts option`,
    );
  }
}

function decodeId(raw: string): string {
  let id: string;
  try {
    id = decodeURIComponent(raw);
  } catch {
    throw new InvalidArgumentError('task id', raw, 'a URL-encoded task id');
  }
  if (id.length === 0 || id.length > 256) throw new InvalidArgumentError('task id', id, 'a task id');
  return id;
}

function servePage(ctx: HandlerContext, res: ServerResponse, headOnly: boolean): void {
  const nonce = randomBytes(16).toString('base64');
  const html = renderPage({
    title: ctx.options.title,
    basePath: ctx.options.basePath,
    allowCancel: ctx.options.allowCancel,
    maxTasks: ctx.options.maxTasks,
    maxLogLines: ctx.options.maxLogLines,
    cancelHeader: CANCEL_HEADER,
    nonce,
  });
  res.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    'cache-control': 'no-store',
    'content-security-policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
  });
  res.end(headOnly ? undefined : html);
}

async function serveEvents(ctx: HandlerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (ctx.closed) throw new HttpError(503, 'closed', 'The dashboard is closed');
  if (ctx.stream.full) throw new HttpError(503, 'too_many_clients', 'Too many dashboard event streams are open; try again later', { 'retry-after': '5' });
  await ctx.ready();
  if (req.socket.destroyed) return; // gone while the snapshot was loading
  if (ctx.closed || ctx.stream.full) throw new HttpError(503, 'too_many_clients', 'Too many dashboard event streams are open; try again later', { 'retry-after': '5' });
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
    'x-content-type-options': 'nosniff',
  });
  req.socket.setNoDelay(true);
  res.write('retry: 2000\n\n');
  const lastEventId = req.headers['last-event-id'];
  ctx.stream.add(res, [ctx.snapshot(typeof lastEventId === 'string' ? lastEventId : undefined)]);
}

function withLive(ctx: HandlerContext, view: TaskView): TaskView {
  const live = ctx.board.get(view.id);
  if (!live) return view;
  return {
    ...view,
    ...(live.phase !== undefined && { phase: live.phase }),
    ...(live.rate !== undefined && { rate: live.rate }),
    ...(live.etaMs !== undefined && { etaMs: live.etaMs }),
  };
}

async function listTasks(ctx: HandlerContext, res: ServerResponse, params: URLSearchParams): Promise<void> {
  const query = parseListQuery(params);
  const page = await ctx.options.manager().list({ ...query, owner: query.owner ?? ANY_OWNER });
  sendJson(res, 200, {
    tasks: page.tasks.map((record) => withLive(ctx, viewFromRecord(record, ctx.options.ownerLabel))),
    ...(page.nextCursor !== undefined && { nextCursor: page.nextCursor }),
  });
}

/** The task, its history (when the dashboard holds it), the tasks it waits for and those waiting for it. */
async function getTask(ctx: HandlerContext, res: ServerResponse, id: string): Promise<void> {
  const manager = ctx.options.manager();
  const record = await manager.get(id, { owner: ANY_OWNER });
  if (!record) throw new HttpError(404, 'task_not_found', `Task not found: ${JSON.stringify(id)}`);
  const task = withLive(ctx, viewFromRecord(record, ctx.options.ownerLabel));
  const dependencies = await Promise.all(
    (task.dependsOn ?? []).map(async (dep): Promise<TaskView | { id: string }> => {
      const known = ctx.board.get(dep);
      if (known) return known;
      const stored = await manager.get(dep, { owner: ANY_OWNER }).catch(() => undefined);
      return stored ? viewFromRecord(stored, ctx.options.ownerLabel) : { id: dep };
    }),
  );
  const history = ctx.board.history(id);
  sendJson(res, 200, { task, ...(history && { history }), dependencies, dependents: ctx.board.dependents(id) });
}

async function cancelTask(ctx: HandlerContext, req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
  if (!ctx.options.allowCancel) {
    throw new HttpError(403, 'cancel_disabled', 'Cancelling from the dashboard is disabled (dashboard option allowCancel)');
  }
  if (req.headers[CANCEL_HEADER] !== '1') {
    throw new HttpError(403, 'missing_header', `Cancel requests must carry the header ${CANCEL_HEADER}: 1`);
  }
  req.resume();
  const record = await ctx.options.manager().cancel(id, { owner: ANY_OWNER, reason: 'Cancelled from the dashboard' });
  sendJson(res, 200, { task: withLive(ctx, viewFromRecord(record, ctx.options.ownerLabel)) });
}
