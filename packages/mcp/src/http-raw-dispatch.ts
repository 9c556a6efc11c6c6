// One JSON-RPC request of protocol 2026-07-28 over Streamable HTTP, below any SDK: what
// `@modelcontextprotocol/ext-tasks` needs as `rawDispatch` (the v2 Client rejects a task answer
// to `tools/call`). It sets the standard headers the server checks (MCP-Protocol-Version,
// Mcp-Method, Mcp-Name), keeps the headers the caller passes, and reads a JSON or an SSE answer.
// For tests, benchmarks and hosts without their own transport; it holds no session.
import { InvalidArgumentError } from '@headway/core';

/** A JSON-RPC response as ext-tasks' `rawDispatch` returns it. */
export type RawDispatchResponse = { kind: 'result'; result: unknown } | { kind: 'error'; error: { code: number; message: string; data?: unknown } };

/** The options ext-tasks passes with each request. */
export interface RawDispatchCallOptions {
  signal?: AbortSignal;
  context?: { headers?: Readonly<Record<string, string>>; requestTimeoutMs?: number };
}

export type RawDispatch = (request: unknown, options?: RawDispatchCallOptions) => Promise<RawDispatchResponse>;

export interface HttpRawDispatchOptions {
  url: string | URL;
  /** Headers on every request (e.g. authorization). */
  headers?: Readonly<Record<string, string>>;
  /** Notifications that arrive on a request's stream before its response (progress, logs). */
  onNotification?: (notification: Record<string, unknown>) => void;
  fetch?: typeof fetch;
}

const PROTOCOL_VERSION_META_KEY = 'io.modelcontextprotocol/protocolVersion';
const MODERN_REVISION = '2026-07-28';
// Which params field the Mcp-Name header mirrors, per method (SEP-2243 and SEP-2663).
const NAME_SOURCE: Readonly<Record<string, string>> = {
  'tools/call': 'name',
  'prompts/get': 'name',
  'resources/read': 'uri',
  'tasks/get': 'taskId',
  'tasks/update': 'taskId',
  'tasks/cancel': 'taskId',
};

let counter = 0;

/** Refuses what would only fail at the first request ("Failed to parse URL from undefined"). */
function checkOptions(options: HttpRawDispatchOptions): void {
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('createHttpRawDispatch options', options, 'an object with a url');
  const { url, headers, onNotification, fetch: doFetch } = options;
  if (!(url instanceof URL) && (typeof url !== 'string' || !URL.canParse(url))) throw new InvalidArgumentError('url', url, 'an absolute URL (string or URL)');
  if (headers !== undefined && (typeof headers !== 'object' || headers === null)) throw new InvalidArgumentError('headers', headers, 'an object of header names and values');
  if (onNotification !== undefined && typeof onNotification !== 'function') throw new InvalidArgumentError('onNotification', onNotification, 'a function (notification) => void');
  if (doFetch !== undefined && typeof doFetch !== 'function') throw new InvalidArgumentError('fetch', doFetch, 'a fetch function');
}

export function createHttpRawDispatch(options: HttpRawDispatchOptions): RawDispatch {
  checkOptions(options);
  const doFetch = options.fetch ?? fetch;
  return async (request, callOptions = {}) => {
    const message = toMessage(request);
    const signals = [callOptions.signal, timeoutSignal(callOptions.context?.requestTimeoutMs)].filter((s): s is AbortSignal => s !== undefined);
    const response = await doFetch(options.url, {
      method: 'POST',
      headers: requestHeaders(message, options.headers, callOptions.context?.headers),
      body: JSON.stringify(message),
      ...(signals.length > 0 && { signal: AbortSignal.any(signals) }),
    });
    const type = response.headers.get('content-type') ?? '';
    if (type.includes('text/event-stream') && response.body) return readStream(response.body, message.id, options.onNotification);
    const text = await response.text();
    const parsed = parseJson(text);
    if (!isObject(parsed)) throw new Error(`HTTP ${response.status} without a JSON-RPC response: ${text.slice(0, 200)}`);
    return toResponse(parsed);
  };
}

interface Message {
  jsonrpc: '2.0';
  id: string;
  method: string;
  params?: Record<string, unknown>;
}

function toMessage(request: unknown): Message {
  if (!isObject(request) || typeof request.method !== 'string') throw new TypeError('rawDispatch: a request needs a string method');
  const params = isObject(request.params) ? request.params : undefined;
  return { jsonrpc: '2.0', id: `raw-${++counter}`, method: request.method, ...(params && { params }) };
}

function requestHeaders(message: Message, base: Readonly<Record<string, string>> | undefined, perCall: Readonly<Record<string, string>> | undefined): Headers {
  const headers = new Headers({ ...base, ...perCall });
  headers.set('content-type', 'application/json');
  headers.set('accept', 'application/json, text/event-stream');
  const meta = isObject(message.params?._meta) ? message.params._meta : {};
  const version = meta[PROTOCOL_VERSION_META_KEY];
  headers.set('mcp-protocol-version', typeof version === 'string' ? version : MODERN_REVISION);
  headers.set('mcp-method', message.method);
  const field = Object.hasOwn(NAME_SOURCE, message.method) ? NAME_SOURCE[message.method] : undefined;
  const name = field === undefined ? undefined : message.params?.[field];
  if (typeof name === 'string') headers.set('mcp-name', headerValue(name));
  return headers;
}

// Visible ASCII goes as is; anything else in the spec's Base64 sentinel form.
function headerValue(value: string): string {
  const plain = value.length > 0 && value === value.trim() && /^[\x20-\x7e\t]*$/.test(value) && !(value.startsWith('=?base64?') && value.endsWith('?='));
  return plain ? value : `=?base64?${Buffer.from(value, 'utf8').toString('base64')}?=`;
}

async function readStream(body: ReadableStream<Uint8Array>, id: string, onNotification: HttpRawDispatchOptions['onNotification']): Promise<RawDispatchResponse> {
  const decoder = new TextDecoder();
  const reader = body.getReader();
  let buffer = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      buffer += decoder.decode(value, { stream: !done });
      let end: number;
      while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, '');
        const data = frame.split(/\r?\n/).filter((line) => line.startsWith('data:')).map((line) => line.slice(5).trimStart()).join('\n');
        const message = parseJson(data);
        if (!isObject(message)) continue;
        if (message.id === id && ('result' in message || 'error' in message)) return toResponse(message);
        if (typeof message.method === 'string' && !('id' in message)) onNotification?.(message);
      }
      if (done) throw new Error('The event stream ended without a response');
    }
  } finally {
    void reader.cancel().catch(() => undefined);
  }
}

function toResponse(message: Record<string, unknown>): RawDispatchResponse {
  if (isObject(message.error)) {
    const { code, message: text, data } = message.error;
    return { kind: 'error', error: { code: typeof code === 'number' ? code : -32603, message: typeof text === 'string' ? text : 'Unknown error', ...(data !== undefined && { data }) } };
  }
  if (!('result' in message)) throw new Error('Not a JSON-RPC response');
  return { kind: 'result', result: message.result };
}

function timeoutSignal(ms: number | undefined): AbortSignal | undefined {
  return typeof ms === 'number' && Number.isFinite(ms) && ms > 0 ? AbortSignal.timeout(ms) : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
