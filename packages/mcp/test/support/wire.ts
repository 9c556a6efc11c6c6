// Raw JSON-RPC over HTTP for protocol 2026-07-28, to check wire shapes as JSON (no SDK client).
const EXT = 'io.modelcontextprotocol/tasks';
let nextId = 1;

export interface EnvelopeOptions {
  /** Declare the tasks extension (default true). */
  tasks?: boolean;
  elicitation?: boolean;
  extra?: Record<string, unknown>;
}

export function envelope({ tasks = true, elicitation = false, extra = {} }: EnvelopeOptions = {}): Record<string, unknown> {
  return {
    'io.modelcontextprotocol/protocolVersion': '2026-07-28',
    'io.modelcontextprotocol/clientInfo': { name: 'wire-test', version: '0.0.0' },
    'io.modelcontextprotocol/clientCapabilities': { ...(tasks && { extensions: { [EXT]: {} } }), ...(elicitation && { elicitation: { form: {} } }) },
    ...extra,
  };
}

export interface WireAnswer {
  status: number;
  type: string;
  /** Every JSON-RPC message of the answer, notifications first; the last is the response. */
  messages: Record<string, unknown>[];
  response: { result?: Record<string, unknown>; error?: { code: number; message: string; data?: unknown } };
}

export interface PostOptions {
  /** The Mcp-Name header; omitted when undefined. */
  name?: string | undefined;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export async function post(url: URL, method: string, params: Record<string, unknown>, options: PostOptions = {}): Promise<WireAnswer> {
  const id = nextId++;
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'mcp-protocol-version': '2026-07-28',
    'mcp-method': method,
    ...(options.name !== undefined && { 'mcp-name': options.name }),
    ...options.headers,
  };
  const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ jsonrpc: '2.0', id, method, params }), ...(options.signal && { signal: options.signal }) });
  const type = res.headers.get('content-type') ?? '';
  const text = await res.text();
  const messages = type.includes('text/event-stream')
    ? text
        .split('\n\n')
        .filter((frame) => frame.includes('data: '))
        .map((frame) => JSON.parse(frame.slice(frame.indexOf('data: ') + 6)) as Record<string, unknown>)
    : text
      ? [JSON.parse(text) as Record<string, unknown>]
      : [];
  return { status: res.status, type, messages, response: (messages.at(-1) ?? {}) as WireAnswer['response'] };
}

/** A `tools/call` with the envelope. */
export function callTool(url: URL, name: string, args: Record<string, unknown>, meta = envelope(), options: PostOptions = {}): Promise<WireAnswer> {
  return post(url, 'tools/call', { name, arguments: args, _meta: meta }, { name, ...options });
}

/** A `tasks/*` request with the envelope and its Mcp-Name. */
export function taskRequest(url: URL, method: string, params: Record<string, unknown> & { taskId: string }, meta = envelope(), options: PostOptions = {}): Promise<WireAnswer> {
  return post(url, method, { ...params, _meta: meta }, { name: params.taskId, ...options });
}
