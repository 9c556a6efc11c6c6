import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { EmptyResultSchema } from '@modelcontextprotocol/sdk/types.js';
import type { McpExtra } from './types.js';

// How long an inline answer waits for the client to confirm it handled the request's progress.
// A client answers a ping at once (the spec says promptly); past this, the answer goes out anyway.
const CONFIRM_TIMEOUT_MS = 1_000;

/**
 * Whether the response to a request that sent progress must wait for the client to confirm it
 * handled that progress.
 *
 * The SDK client (1.x, `shared/protocol.js`) handles a response synchronously in `onmessage`
 * (`_onresponse` deletes the request's progress handler) but a notification one microtask later
 * (`_onnotification` runs its handler in `Promise.resolve().then`). Its stdio transport hands
 * every message of one read to `onmessage` in a synchronous loop (`processReadBuffer`), so a
 * progress notification read together with the response finds its handler gone: the client
 * reports "unknown token" and the notification is lost. Sending it first is not enough: both can
 * sit in the pipe when the client reads. The same holds for any transport that delivers several
 * messages in one go (stdio, the legacy SSE transport, in-memory pairs, custom ones).
 *
 * Streamable HTTP is the exception: the server sends a request's notifications on the request's
 * own stream, ahead of its response (`relatedRequestId`), and the SDK client awaits each SSE event
 * (`reader.read()`), which runs the notification's microtask before it reads the response.
 * Waiting there would cost a second HTTP request, and in JSON-response mode the ping would not
 * even be delivered. The server's Streamable HTTP transports (Node and web-standard, either SDK
 * build) are the ones with `handleRequest`.
 */
export function mustConfirmProgress(transport: Transport | undefined): boolean {
  return transport !== undefined && typeof (transport as { handleRequest?: unknown }).handleRequest !== 'function';
}

/**
 * Asks the client to answer a ping on the request's behalf and waits for the answer (any answer,
 * an error too, or the timeout). Messages are read in order, and a client handles a ping (or
 * refuses it) no sooner than the notifications read before it, so once its answer is here, every
 * progress notification sent earlier was dispatched, and the response comes in a later read.
 */
export async function confirmProgress(extra: McpExtra): Promise<void> {
  if (extra.signal.aborted) return;
  await extra.sendRequest({ method: 'ping' }, EmptyResultSchema, { timeout: CONFIRM_TIMEOUT_MS, signal: extra.signal }).catch(() => undefined);
}
