import { once } from 'node:events';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '@headway/core';
import { McpServer, createMcpHandler, fromJsonSchema } from '@modelcontextprotocol/server';
import { createHttpRawDispatch } from '../src/http-raw-dispatch.js';
import { toNodeListener } from '../src/node-http-adapter.js';

// A real SDK v2 server: its standard-header checks (MCP-Protocol-Version, Mcp-Method, Mcp-Name)
// are what the dispatch must satisfy.
let http: Server;
let url: URL;
const seen: { method: string; name: string | null; custom: string | null }[] = [];

const envelope = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientCapabilities': { extensions: { 'io.modelcontextprotocol/tasks': {} } },
};

beforeAll(async () => {
  const handler = createMcpHandler(() => {
    const server = new McpServer({ name: 'dispatch-test', version: '0.0.0' });
    const note = (ctx: { mcpReq: { method: string }; http?: { req?: Request } }) =>
      seen.push({ method: ctx.mcpReq.method, name: ctx.http?.req?.headers.get('mcp-name') ?? null, custom: ctx.http?.req?.headers.get('x-custom') ?? null });
    server.registerTool('progressing', { inputSchema: fromJsonSchema({ type: 'object' }) }, async (_args, ctx) => {
      note(ctx);
      await ctx.mcpReq.notify({ method: 'notifications/progress', params: { progressToken: 't', progress: 50, total: 100 } });
      return { content: [{ type: 'text', text: 'done' }] };
    });
    server.server.setRequestHandler('tasks/get', { params: fromJsonSchema<{ taskId: string }>({ type: 'object', properties: { taskId: { type: 'string' } }, required: ['taskId'] }) }, (params, ctx) => {
      note(ctx);
      const now = new Date(0).toISOString();
      return { resultType: 'complete', taskId: params.taskId, status: 'working', createdAt: now, lastUpdatedAt: now, ttlMs: null };
    });
    return server;
  });
  http = createServer(toNodeListener(handler.fetch));
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  url = new URL(`http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`);
});

afterAll(async () => {
  http.closeAllConnections();
  await new Promise((resolve) => http.close(resolve));
});

describe('createHttpRawDispatch', () => {
  it('sends tasks/* with Mcp-Name = taskId (the SDK server refuses it otherwise) and keeps the caller headers', async () => {
    const dispatch = createHttpRawDispatch({ url, headers: { 'x-custom': 'base' } });
    const response = await dispatch({ method: 'tasks/get', params: { taskId: 'task-1', _meta: envelope } }, { context: { headers: { 'Mcp-Name': 'task-1', 'x-custom': 'per-call' } } });
    expect(response).toMatchObject({ kind: 'result', result: { resultType: 'complete', taskId: 'task-1', status: 'working' } });
    expect(seen.at(-1)).toEqual({ method: 'tasks/get', name: 'task-1', custom: 'per-call' });
  });

  it('derives Mcp-Name from the body, so a stale header cannot mismatch it, and encodes non-ASCII ids', async () => {
    const dispatch = createHttpRawDispatch({ url });
    const response = await dispatch({ method: 'tasks/get', params: { taskId: 'tâche 1', _meta: envelope } }, { context: { headers: { 'Mcp-Name': 'something-else' } } });
    expect(response).toMatchObject({ kind: 'result', result: { taskId: 'tâche 1' } });
    expect(seen.at(-1)?.name).toBe(`=?base64?${Buffer.from('tâche 1').toString('base64')}?=`);
  });

  it('reads an event-stream answer: notifications before the response go to onNotification', async () => {
    const notes: Record<string, unknown>[] = [];
    const dispatch = createHttpRawDispatch({ url, onNotification: (n) => notes.push(n) });
    const response = await dispatch({ method: 'tools/call', params: { name: 'progressing', arguments: {}, _meta: { ...envelope, progressToken: 't' } } });
    expect(response).toMatchObject({ kind: 'result', result: { content: [{ type: 'text', text: 'done' }], resultType: 'complete' } });
    expect(notes).toEqual([{ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 't', progress: 50, total: 100 } }]);
    expect(seen.at(-1)).toMatchObject({ method: 'tools/call', name: 'progressing' });
  });

  it('returns JSON-RPC errors as kind "error", whatever the HTTP status', async () => {
    const dispatch = createHttpRawDispatch({ url });
    expect(await dispatch({ method: 'tasks/list', params: { _meta: envelope } })).toEqual({ kind: 'error', error: { code: -32601, message: 'Method not found' } });
  });

  it('stops on the caller signal and on requestTimeoutMs', async () => {
    const dispatch = createHttpRawDispatch({ url });
    const aborted = new AbortController();
    aborted.abort(new Error('stop'));
    await expect(dispatch({ method: 'tasks/get', params: { taskId: 'x', _meta: envelope } }, { signal: aborted.signal })).rejects.toThrow('stop');
    const slow = createHttpRawDispatch({ url, fetch: (input, init) => new Promise((_, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason))) });
    await expect(slow({ method: 'tasks/get', params: { taskId: 'x' } }, { context: { requestTimeoutMs: 20 } })).rejects.toThrow(/timeout|aborted/i);
  });

  it('refuses a request without a method', async () => {
    await expect(createHttpRawDispatch({ url })({ params: {} })).rejects.toThrow(TypeError);
  });
});

describe('createHttpRawDispatch input', () => {
  it('refuses bad options at creation, naming the argument', () => {
    expect(() => createHttpRawDispatch({} as never)).toThrow(InvalidArgumentError);
    expect(() => createHttpRawDispatch({} as never)).toThrow(/^Invalid url: undefined/);
    expect(() => createHttpRawDispatch(undefined as never)).toThrow(/createHttpRawDispatch options/);
    expect(() => createHttpRawDispatch({ url: 'not a url' })).toThrow(/url: "not a url"/);
    expect(() => createHttpRawDispatch({ url: 'http://x/mcp', fetch: 1 as never })).toThrow(/fetch: 1/);
    expect(() => createHttpRawDispatch({ url: 'http://x/mcp', onNotification: 'log' as never })).toThrow(/onNotification: "log"/);
    expect(() => createHttpRawDispatch({ url: 'http://x/mcp', headers: 'auth' as never })).toThrow(/headers: "auth"/);
    expect(createHttpRawDispatch({ url: new URL('http://x/mcp') })).toBeTypeOf('function');
  });
});

