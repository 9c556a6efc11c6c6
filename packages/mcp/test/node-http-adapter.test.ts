import { once } from 'node:events';
import { createServer, request as httpRequest } from 'node:http';
import type { ClientRequest, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '@headway/core';
import { McpServer, createMcpHandler, fromJsonSchema } from '@modelcontextprotocol/server';
import { toNodeListener } from '../src/node-http-adapter.js';
import type { FetchHandler } from '../src/node-http-adapter.js';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

async function serve<O>(handler: FetchHandler<O>, onError?: (error: unknown) => void): Promise<string> {
  server = createServer(toNodeListener(handler, { onError }));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A raw node:http request, so a test can drop the connection whenever it wants. */
function open(url: string, body?: string): { req: ClientRequest; response: Promise<IncomingMessage> } {
  const req = httpRequest(url, { method: body === undefined ? 'GET' : 'POST', headers: { 'content-type': 'application/json' } });
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    req.once('response', resolve);
    req.once('error', reject);
  });
  response.catch(() => undefined); // a test that drops the connection may never read it
  req.on('error', () => undefined);
  req.end(body);
  return { req, response };
}

function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('toNodeListener', () => {
  it('hands the handler the method, URL, headers and streamed body, and writes status, headers and every cookie back', async () => {
    let seen: { method: string; url: string; custom: string | null; body: string } | undefined;
    const url = await serve(async (request) => {
      seen = { method: request.method, url: request.url, custom: request.headers.get('x-custom'), body: await request.text() };
      const headers = new Headers({ 'content-type': 'application/json', 'x-answer': '42' });
      headers.append('set-cookie', 'a=1');
      headers.append('set-cookie', 'b=2');
      return new Response(JSON.stringify({ ok: true }), { status: 201, statusText: 'Made', headers });
    });
    const response = await fetch(`${url}/mcp?x=1`, { method: 'POST', headers: { 'x-custom': 'yes', 'content-type': 'application/json' }, body: '{"hello":"world"}' });
    expect(seen).toEqual({ method: 'POST', url: `${url}/mcp?x=1`, custom: 'yes', body: '{"hello":"world"}' });
    expect([response.status, response.statusText, response.headers.get('x-answer')]).toEqual([201, 'Made', '42']);
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(await response.json()).toEqual({ ok: true });
  });

  it('answers a bodiless response and a GET without reading a body', async () => {
    const url = await serve(async (request) => new Response(null, { status: request.method === 'GET' ? 204 : 405 }));
    expect((await fetch(url)).status).toBe(204);
  });

  it('streams: the first event reaches the client while the handler is still writing', async () => {
    const more = deferred();
    const encoder = new TextEncoder();
    const url = await serve(async () => {
      const body = new ReadableStream<Uint8Array>({
        async start(controller) {
          controller.enqueue(encoder.encode('data: first\n\n'));
          await more.promise;
          controller.enqueue(encoder.encode('data: second\n\n'));
          controller.close();
        },
      });
      return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
    });
    const response = await fetch(url);
    const reader = response.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toBe('data: first\n\n');
    more.resolve();
    let rest = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest += new TextDecoder().decode(chunk.value);
    expect(rest).toBe('data: second\n\n');
  });

  it('aborts the request signal when the client goes away before the handler answers', async () => {
    const aborted = deferred<unknown>();
    const url = await serve(async (request) => {
      request.signal.addEventListener('abort', () => aborted.resolve(request.signal.reason), { once: true });
      await aborted.promise;
      return new Response('too late');
    });
    const { req } = open(url, '{}');
    await new Promise((resolve) => setTimeout(resolve, 100));
    req.destroy();
    expect(await aborted.promise).toBeInstanceOf(Error);
  });

  it('aborts the signal and cancels the response stream when the client closes it mid-stream', async () => {
    const aborted = deferred();
    const cancelled = deferred();
    const url = await serve(async (request) => {
      request.signal.addEventListener('abort', () => aborted.resolve(), { once: true });
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('data: hello\n\n'));
        },
        cancel() {
          cancelled.resolve();
        },
      });
      return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
    });
    const { req, response } = open(url, '{}');
    const res = await response;
    await once(res, 'data');
    req.destroy();
    await Promise.all([aborted.promise, cancelled.promise]);
  });

  it('does not abort a request that completed', async () => {
    let signal: AbortSignal | undefined;
    const url = await serve(async (request) => {
      signal = request.signal;
      return new Response('done');
    });
    expect(await (await fetch(url)).text()).toBe('done');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(signal?.aborted).toBe(false);
  });

  it('answers 500 with a JSON-RPC internal error when the handler throws, and reports it', async () => {
    const errors: unknown[] = [];
    const url = await serve(async () => {
      throw new Error('boom');
    }, (error) => errors.push(error));
    const response = await fetch(url, { method: 'POST', body: '{}' });
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ jsonrpc: '2.0', error: { code: -32603, message: 'Internal error' }, id: null });
    expect((errors[0] as Error).message).toBe('boom');
  });
});

describe('toNodeListener with the SDK v2 handler', () => {
  const envelope = {
    'io.modelcontextprotocol/protocolVersion': '2026-07-28',
    'io.modelcontextprotocol/clientCapabilities': {},
  };

  async function serveWaitingTool(): Promise<{ url: string; started: Promise<void>; aborted: Promise<void> }> {
    const started = deferred();
    const aborted = deferred();
    const handler = createMcpHandler(() => {
      const mcp = new McpServer({ name: 'adapter-test', version: '0.0.0' });
      mcp.registerTool('wait', { inputSchema: fromJsonSchema<{ progress?: boolean }>({ type: 'object', properties: { progress: { type: 'boolean' } } }) }, async ({ progress }, ctx) => {
        ctx.mcpReq.signal.addEventListener('abort', () => aborted.resolve(), { once: true });
        if (progress) await ctx.mcpReq.notify({ method: 'notifications/progress', params: { progressToken: 'p', progress: 1 } });
        started.resolve();
        await aborted.promise;
        return { content: [] };
      });
      return mcp;
    });
    return { url: `${await serve(handler.fetch)}/mcp`, started: started.promise, aborted: aborted.promise };
  }

  function call(url: string, progress: boolean): ClientRequest {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'wait', arguments: { progress }, _meta: { ...envelope, progressToken: 'p' } } });
    const req = httpRequest(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 'wait' },
    });
    req.on('error', () => undefined);
    req.end(body);
    return req;
  }

  it('closing the connection while the call is open aborts ctx.mcpReq.signal (no response yet)', async () => {
    const { url, started, aborted } = await serveWaitingTool();
    const req = call(url, false);
    await started;
    req.destroy();
    await aborted;
  });

  it('closing the event stream of a call that sent progress aborts ctx.mcpReq.signal', async () => {
    const { url, started, aborted } = await serveWaitingTool();
    const req = call(url, true);
    const res = await new Promise<IncomingMessage>((resolve) => req.once('response', resolve));
    expect(res.headers['content-type']).toBe('text/event-stream');
    await started;
    await once(res, 'data');
    req.destroy();
    await aborted;
  });
});

describe('toNodeListener input', () => {
  it('refuses a handler that is not a function, and bad options, at creation', () => {
    expect(() => toNodeListener(42 as never)).toThrow(InvalidArgumentError);
    expect(() => toNodeListener(42 as never)).toThrow(/^Invalid handler: 42/);
    expect(() => toNodeListener(async () => new Response(), 'x' as never)).toThrow(/toNodeListener options: "x"/);
    expect(() => toNodeListener(async () => new Response(), { onError: true as never })).toThrow(/onError: true/);
    expect(() => toNodeListener(async () => new Response(), { requestOptions: {} as never })).toThrow(/requestOptions/);
  });
});

