import { afterEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '@headway/core';
import type { TaskContext } from '@headway/core';
import { CANCEL_HEADER, createDashboard } from '../src/index.js';
import type { DashboardOptions, TaskView } from '../src/index.js';
import { gate, http, startRig } from './helpers.js';
import type { Rig } from './helpers.js';

interface ErrorBody {
  error: { code: string; message: string; argument?: string };
}

function errorOf(answer: { json: unknown }): ErrorBody['error'] {
  return (answer.json as ErrorBody).error;
}

describe('HTTP API', () => {
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('pages through every owner’s tasks with GET /api/tasks', async () => {
    rig = await startRig();
    for (const owner of ['alice', 'bob', 'carol']) {
      await (await rig.manager.create({ kind: 'job', owner, fn: () => owner })).result();
    }
    const first = await http(`${rig.url}api/tasks?limit=2`);
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toMatch(/^application\/json/);
    const page1 = first.json as { tasks: TaskView[]; nextCursor?: string };
    expect(page1.tasks.map((t) => t.owner)).toEqual(['alice', 'bob']);
    expect(page1.tasks[0]).not.toHaveProperty('result');
    expect(page1.nextCursor).toEqual(expect.any(String));
    const second = await http(`${rig.url}api/tasks?limit=2&cursor=${encodeURIComponent(page1.nextCursor!)}`);
    const page2 = second.json as { tasks: TaskView[]; nextCursor?: string };
    expect(page2.tasks.map((t) => [t.owner, t.status])).toEqual([['carol', 'completed']]);
    expect(page2.nextCursor).toBeUndefined();

    const bobs = await http(`${rig.url}api/tasks?owner=bob&status=completed,failed`);
    expect((bobs.json as { tasks: TaskView[] }).tasks.map((t) => t.owner)).toEqual(['bob']);

    const one = await http(`${rig.url}api/tasks/${page1.tasks[0]!.id}`);
    expect((one.json as { task: TaskView }).task).toMatchObject({ id: page1.tasks[0]!.id, owner: 'alice', status: 'completed' });
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=1001', 'limit'],
    ['limit=abc', 'limit'],
    ['limit=2.5', 'limit'],
    ['cursor=not-a-cursor', 'cursor'],
    ['cursor=', 'cursor'],
    ['status=done', 'status'],
    ['limit=1&limit=2', 'limit'],
    ['limt=5', 'query parameter'],
    ['kind=', 'kind'],
  ])('answers GET /api/tasks?%s with a 400 JSON error naming %s', async (query, argument) => {
    rig ??= await startRig();
    const answer = await http(`${rig.url}api/tasks?${query}`);
    expect(answer.status).toBe(400);
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    expect(errorOf(answer)).toMatchObject({ code: 'invalid_argument', argument });
    expect(errorOf(answer).message).toMatch(new RegExp(`^Invalid ${argument}`));
  });

  it('keeps cancelling off unless allowCancel is set', async () => {
    rig = await startRig();
    const answer = await http(`${rig.url}api/tasks/whatever/cancel`, { method: 'POST', headers: { [CANCEL_HEADER]: '1' } });
    expect(answer.status).toBe(403);
    expect(errorOf(answer).code).toBe('cancel_disabled');
  });

  it('cancels a running task, and answers unknown ids with 404', async () => {
    rig = await startRig({ allowCancel: true });
    const started = gate();
    const handle = await rig.manager.create({
      kind: 'sleepy',
      owner: 'dave',
      fn: (_input: unknown, ctx: TaskContext) =>
        new Promise((_resolve, reject) => {
          started.open();
          ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason));
        }),
    });
    await started.promise;

    const noHeader = await http(`${rig.url}api/tasks/${handle.id}/cancel`, { method: 'POST' });
    expect(noHeader.status).toBe(403);
    expect(errorOf(noHeader).code).toBe('missing_header');

    const unknown = await http(`${rig.url}api/tasks/AAAAAAAAAAAAAAAAAAAAAA/cancel`, { method: 'POST', headers: { [CANCEL_HEADER]: '1' } });
    expect(unknown.status).toBe(404);
    expect(errorOf(unknown)).toMatchObject({ code: 'task_not_found' });
    expect(errorOf(unknown).message).toContain('AAAAAAAAAAAAAAAAAAAAAA');

    const badEncoding = await http(`${rig.url}api/tasks/%E0%A4%A/cancel`, { method: 'POST', headers: { [CANCEL_HEADER]: '1' } });
    expect(badEncoding.status).toBe(400);

    const wrongMethod = await http(`${rig.url}api/tasks/${handle.id}/cancel`);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.allow).toBe('POST');

    const ok = await http(`${rig.url}api/tasks/${handle.id}/cancel`, { method: 'POST', headers: { [CANCEL_HEADER]: '1' } });
    expect(ok.status).toBe(200);
    expect((ok.json as { task: TaskView }).task).toMatchObject({ id: handle.id, status: 'cancelled', owner: 'dave' });
    expect((await rig.manager.get(handle.id, { owner: 'dave' }))?.status).toBe('cancelled');
  });

  it('answers unknown routes, foreign Host headers and unauthorized requests with JSON errors', async () => {
    let allow = true;
    rig = await startRig({ authorize: (req) => allow && req.headers['x-token'] === 'secret' });
    const headers = { 'x-token': 'secret' };
    expect((await http(`${rig.url}`, { headers })).status).toBe(200);
    const missing = await http(`${rig.url}api/nope`, { headers });
    expect(missing.status).toBe(404);
    expect(errorOf(missing).code).toBe('not_found');
    const unknownTask = await http(`${rig.url}api/tasks/AAAAAAAAAAAAAAAAAAAAAA`, { headers });
    expect(unknownTask.status).toBe(404);
    expect(errorOf(unknownTask).code).toBe('task_not_found');
    const post = await http(`${rig.url}api/tasks`, { method: 'POST', headers });
    expect(post.status).toBe(405);

    const rebinding = await http(`${rig.url}api/tasks`, { headers: { ...headers, host: `evil.example:${rig.server.port}` } });
    expect(rebinding.status).toBe(403);
    expect(errorOf(rebinding).code).toBe('host_not_allowed');
    expect(errorOf(rebinding).message).toContain('allowedHosts');
    expect((await http(`${rig.url}api/tasks`, { headers: { ...headers, host: `localhost:${rig.server.port}` } })).status).toBe(200);

    expect((await http(`${rig.url}api/tasks`)).status).toBe(403);
    allow = false;
    const denied = await http(`${rig.url}api/events`, { headers });
    expect(denied.status).toBe(403);
    expect(errorOf(denied).code).toBe('forbidden');
  });

  it('reports its own and the manager’s statistics at GET /api/stats', async () => {
    rig = await startRig();
    await (await rig.manager.create({ kind: 'job', fn: () => 1 })).result();
    await rig.manager.flush();
    const answer = await http(`${rig.url}api/stats`);
    expect(answer.status).toBe(200);
    const body = answer.json as { dashboard: { tasks: number; clients: number }; manager: { tasks: unknown; reporters: { reporter: string }[] } };
    expect(body.dashboard).toMatchObject({ tasks: 1, clients: 0, dropped: 0 });
    expect(body.manager.tasks).toMatchObject({ running: 0 });
    expect(body.manager.reporters.map((r) => r.reporter)).toContain('dashboard');
  });

  it('serves one self-contained page with a strict CSP', async () => {
    rig = await startRig({ title: 'Ops <tasks>' });
    const page = await http(rig.url);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'self'");
    expect(page.text).toContain('<title>Ops &#60;tasks&#62;</title>');
    expect(page.text).not.toMatch(/<(script|link|img)[^>]+(src|href)=/i);
    // No address but the SVG namespace (an identifier the charts create elements in, never fetched).
    expect(page.text.replaceAll('http://www.w3.org/2000/svg', '')).not.toMatch(/https?:\/\//);
  });

  it('mounts under a base path and hands other requests to next()', async () => {
    const { TaskManager } = await import('@headway/core');
    const manager = new TaskManager({ resources: { enabled: false } });
    const dashboard = createDashboard({ manager, basePath: '/ops' });
    const { createServer } = await import('node:http');
    const server = createServer((req, res) =>
      dashboard.handle(req, res, () => {
        res.writeHead(418).end('teapot');
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      expect((await http(`http://127.0.0.1:${port}/ops/`)).text).toContain('"base":"/ops"');
      expect((await http(`http://127.0.0.1:${port}/ops/api/tasks`)).status).toBe(200);
      expect((await http(`http://127.0.0.1:${port}/other`)).status).toBe(418);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await manager.shutdown();
    }
  });

  it('rejects bad options with InvalidArgumentError', () => {
    const manager = { list() {}, get() {}, cancel() {}, stats() {}, } as unknown as DashboardOptions['manager'];
    expect(() => createDashboard(undefined as unknown as DashboardOptions)).toThrow(InvalidArgumentError);
    expect(() => createDashboard({ manager: {} as DashboardOptions['manager'] })).toThrow(/Invalid manager/);
    expect(() => createDashboard({ manager, maxTasks: 0 })).toThrow(/Invalid maxTasks: 0/);
    expect(() => createDashboard({ manager, frameMs: 1.5 })).toThrow(InvalidArgumentError);
    expect(() => createDashboard({ manager, basePath: '/ops/' })).toThrow(/Invalid basePath/);
    expect(() => createDashboard({ manager, allowCancel: 'yes' as unknown as boolean })).toThrow(/Invalid allowCancel/);
    expect(() => createDashboard({ manager, allowedHosts: [''] })).toThrow(/Invalid allowedHosts/);
    expect(() => createDashboard({ manager, authorize: true as unknown as DashboardOptions['authorize'] })).toThrow(/Invalid authorize/);
    expect(createDashboard({ manager }).name).toBe('dashboard');
  });
});
