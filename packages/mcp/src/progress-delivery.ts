// How an inline call's progress reaches a client that may read it together with the call's answer:
// held back at first, confirmed before the answer. Shared by both SDK bindings' request sinks; no
// SDK is imported here (each binding brings its own way to ping the client).
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { MonotonicProgress } from './progress-values.js';

// How long an inline answer waits for the client to confirm it handled the request's progress.
// A client answers a ping at once (the spec says promptly); past this, the answer goes out anyway.
export const CONFIRM_TIMEOUT_MS = 1_000;

// Where nothing can confirm progress (2026-07-28 has no server-to-client request), how long the
// answer at least trails the last progress notification: an idle client reads the two apart. Best
// effort only: a busy client can still read both at once.
export const UNCONFIRMED_GAP_MS = 25;

/**
 * Whether the response to a request that sent progress must wait for the client to confirm it
 * handled that progress (SDK 1.x server transports).
 *
 * The SDK clients (1.x and 2.x, `shared/protocol`) handle a response synchronously in
 * `onmessage` (`_onresponse` deletes the request's progress handler) but a notification one
 * microtask later (`_onnotification` runs its handler in `Promise.resolve().then`). Their stdio
 * transport hands every message of one read to `onmessage` in a synchronous loop
 * (`processReadBuffer`), so a progress notification read together with the response finds its
 * handler gone: the client reports "unknown token" and the notification is lost. Sending it first
 * is not enough: both can sit in the pipe when the client reads. The same holds for any transport
 * that delivers several messages in one go (stdio, the legacy SSE transport, in-memory pairs,
 * custom ones).
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

/** One open request's way to the client. */
export interface ProgressChannel {
  /** Sends one `notifications/progress` on the request's token (value already strictly increasing). */
  send(progress: number, message: string | undefined): Promise<void>;
  /** Whether progress may still go out on the request. */
  isOpen(): boolean;
}

export interface ProgressDeliveryOptions {
  /** Whether progress and the answer can reach the client in one read (see `mustConfirmProgress`). */
  mixed: boolean;
  /** Where `mixed`, progress is held back until the request has been open this long (ms); 0: not held back. */
  holdMs: number;
  /**
   * Pings the client on the request's behalf (any outcome will do, within the options given).
   * Undefined where no request can reach the client (2026-07-28 has no server-to-client request):
   * then the final 100 is not sent either, as the answer, right behind it, says the same.
   */
  ping?: ((options: { timeout: number; signal: AbortSignal }) => Promise<unknown>) | undefined;
  /** Aborts with the request. */
  signal: AbortSignal;
}

/**
 * The progress of one open request: strictly increasing values, the end not sent as a call's
 * first progress, and where the transport mixes progress with the answer (`mixed`), held back for
 * the request's first `holdMs` and confirmed by a ping before the answer (`settle`).
 */
export class ProgressDelivery {
  private readonly values = new MonotonicProgress();
  /** Whether any progress notification went out on the request (the client is to confirm them before the answer). */
  private sent = false;
  /** When (`performance.now()`) the last progress notification went out. */
  private sentAt = 0;
  /**
   * Until when (`performance.now()`) progress is held back, 0 once it is not: a call that ends
   * sooner sends none, so its answer needs no confirmation. Only the latest held value is kept; it
   * goes out when the window closes, if the request is still open.
   */
  private holdUntil = 0;
  private held?: { progress: number; message: string | undefined };
  private holdTimer?: ReturnType<typeof setTimeout>;

  constructor(
    private readonly channel: ProgressChannel,
    private readonly options: ProgressDeliveryOptions,
  ) {
    if (options.mixed && options.holdMs > 0) this.holdUntil = performance.now() + options.holdMs;
  }

  /** Sends (or holds back) one progress value; call while the request is open. */
  async offer(progress: number, message: string | undefined): Promise<void> {
    if (!this.channel.isOpen()) return;
    if (this.holdUntil !== 0) {
      const wait = this.holdUntil - performance.now();
      if (wait > 0) return this.hold(progress, message, wait);
      // The window closed: this value supersedes one still held.
      this.holdUntil = 0;
      this.drop();
    }
    const value = this.values.next(progress);
    if (value === undefined) return;
    // The end as a call's first progress: the answer follows at once and says the same, so it
    // would cost the client a message and, where it must confirm it (see settle), a round trip.
    // Where nothing can confirm it, the end is never sent: it is the one value sure to travel
    // right next to the answer.
    if (value === 100 && (!this.sent || (this.options.mixed && !this.options.ping))) return;
    this.sent = true;
    this.sentAt = performance.now();
    await this.channel.send(value, message);
  }

  /** Nothing more goes out: a held value is dropped. */
  close(): void {
    this.drop();
  }

  /**
   * Resolves once the client has handled every progress notification this request sent, where
   * its transport needs telling (`mixed`) and a ping can reach it: the answer may go out then,
   * without the client dropping progress read together with it. Where no ping can reach it, resolves
   * once the last notification is `UNCONFIRMED_GAP_MS` old. Call after `close()`.
   *
   * The client reads messages in order, and handles a ping (or refuses it) no sooner than the
   * notifications read before it, so once its answer is here, every progress notification sent
   * earlier was dispatched, and the response comes in a later read.
   */
  async settle(): Promise<void> {
    const { mixed, ping, signal } = this.options;
    if (!this.sent || !mixed || signal.aborted) return;
    if (ping) await ping({ timeout: CONFIRM_TIMEOUT_MS, signal }).catch(() => undefined);
    else await pause(this.sentAt + UNCONFIRMED_GAP_MS - performance.now(), signal);
  }

  private hold(progress: number, message: string | undefined, wait: number): void {
    this.held = { progress, message };
    if (this.holdTimer) return;
    this.holdTimer = setTimeout(() => {
      this.holdTimer = undefined;
      this.holdUntil = 0;
      const held = this.held;
      this.held = undefined;
      if (held) this.offer(held.progress, held.message).catch(() => undefined);
    }, Math.ceil(wait));
    this.holdTimer.unref?.();
  }

  private drop(): void {
    this.held = undefined;
    if (this.holdTimer) clearTimeout(this.holdTimer);
    this.holdTimer = undefined;
  }
}

/** Waits `ms` (nothing when not above 0), less if `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (!(ms > 0)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.ceil(ms));
    signal.addEventListener('abort', done, { once: true });
  });
}
