import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { InvalidArgumentError } from '@headway/core';

/** A web-standard handler, such as `createMcpHandler(factory).fetch` of `@modelcontextprotocol/server` 2.x. */
export type FetchHandler<O> = (request: Request, options?: O) => Promise<Response>;

export interface NodeListenerOptions<O> {
  /** Per-request options for the handler, e.g. `{ authInfo }` from a token verified here. */
  requestOptions?: (req: IncomingMessage) => O | undefined | Promise<O | undefined>;
  /** Told when the handler throws or the response cannot be written. */
  onError?: (error: unknown) => void;
}

const INTERNAL_ERROR = JSON.stringify({ jsonrpc: '2.0', error: { code: -32603, message: 'Internal error' }, id: null });

/**
 * Serves a fetch handler from `node:http`. The request's `signal` aborts when the client goes
 * away before the response is complete (a closed connection or stream), and the response body is
 * cancelled then, so the MCP SDK sees the close as it would on a web-standard runtime.
 */
export function toNodeListener<O>(handler: FetchHandler<O>, options: NodeListenerOptions<O> = {}): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  if (typeof handler !== 'function') throw new InvalidArgumentError('handler', handler, 'a fetch handler (request, options) => Promise<Response>');
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('toNodeListener options', options, 'an object');
  if (options.requestOptions !== undefined && typeof options.requestOptions !== 'function') throw new InvalidArgumentError('requestOptions', options.requestOptions, 'a function (req) => options');
  if (options.onError !== undefined && typeof options.onError !== 'function') throw new InvalidArgumentError('onError', options.onError, 'a function (error) => void');
  return async (req, res) => {
    const aborter = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) aborter.abort(new Error('The client closed the connection'));
    });
    let response: Response;
    try {
      const request = toRequest(req, aborter.signal);
      const requestOptions = await options.requestOptions?.(req);
      response = await handler(request, requestOptions);
    } catch (error) {
      options.onError?.(error);
      if (!res.headersSent && !res.destroyed) res.writeHead(500, { 'content-type': 'application/json' }).end(INTERNAL_ERROR);
      return;
    }
    await writeResponse(response, res, aborter.signal).catch((error: unknown) => {
      options.onError?.(error);
      res.destroy();
    });
  };
}

function toRequest(req: IncomingMessage, signal: AbortSignal): Request {
  const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
  const headers = new Headers();
  for (const [name, values] of Object.entries(req.headersDistinct)) {
    for (const value of values ?? []) headers.append(name, value);
  }
  const method = req.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'HEAD';
  // `duplex` is required by Node's fetch for a streamed body; the DOM typings do not know it yet.
  const init = { method, headers, signal, ...(hasBody && { body: Readable.toWeb(req), duplex: 'half' }) } as RequestInit;
  return new Request(url, init);
}

async function writeResponse(response: Response, res: ServerResponse, signal: AbortSignal): Promise<void> {
  if (res.destroyed) {
    await response.body?.cancel().catch(() => undefined);
    return;
  }
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers['set-cookie'] = cookies;
  res.writeHead(response.status, response.statusText, headers);
  if (!response.body) {
    res.end();
    return;
  }
  res.flushHeaders(); // an event stream must reach the client before its first event
  const reader = response.body.getReader();
  const cancel = () => void reader.cancel(signal.reason).catch(() => undefined);
  signal.addEventListener('abort', cancel, { once: true });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || signal.aborted) break;
      if (!res.write(value)) await drained(res, signal);
    }
  } finally {
    signal.removeEventListener('abort', cancel);
  }
  if (!signal.aborted) res.end();
}

function drained(res: ServerResponse, signal: AbortSignal): Promise<void> {
  return once(res, 'drain', { signal }).then(
    () => undefined,
    () => undefined,
  );
}
