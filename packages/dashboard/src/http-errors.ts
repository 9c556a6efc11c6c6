import type { ServerResponse } from 'node:http';
import { HeadwayError, InvalidArgumentError, TaskNotFoundError } from '@headway/core';

/** An error answered as `{ error: { code, message } }` with an HTTP status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  res.end(text);
}

/** Maps any error to a JSON answer; unexpected ones become a 500 without internals. */
export function sendError(res: ServerResponse, error: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (error instanceof HttpError) {
    sendJson(res, error.status, { error: { code: error.code, message: error.message } }, error.headers);
  } else if (error instanceof InvalidArgumentError) {
    sendJson(res, 400, { error: { code: error.code, message: error.message, argument: error.argument } });
  } else if (error instanceof TaskNotFoundError) {
    sendJson(res, 404, { error: { code: error.code, message: error.message } });
  } else if (error instanceof HeadwayError) {
    sendJson(res, 409, { error: { code: error.code, message: error.message } });
  } else {
    sendJson(res, 500, { error: { code: 'internal', message: 'Internal error in the dashboard' } });
  }
}
