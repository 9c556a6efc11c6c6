// A fetch for the SDK clients' Streamable HTTP transports that gives each request its own
// AbortSignal, following the transport's until the response body ends or is cancelled.
//
// Why: StreamableHTTPClientTransport (SDK 1.32 and client 2.4) passes one connection-wide signal
// (`this._abortController.signal`) to every fetch, and Node's fetch (undici) adds an abort listener
// to the signal it is given for every request, removed only when that request is garbage-collected.
// Thousands of sequential calls pile up on that one signal between major collections (undici raises
// its limit to 1500, then Node prints MaxListenersExceededWarning on every further call). The
// listeners are the client's, not the server's; this keeps the bench's output readable and its
// memory flat without changing what a call does (closing the transport still aborts every request).
const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);

export function isolatedFetch(base: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const outer = init?.signal;
    if (!outer) return base(input, init);
    const inner = new AbortController();
    const follow = () => inner.abort(outer.reason);
    const release = () => outer.removeEventListener('abort', follow);
    if (outer.aborted) inner.abort(outer.reason);
    else outer.addEventListener('abort', follow, { once: true });
    let response: Response;
    try {
      response = await base(input, { ...init, signal: inner.signal });
    } catch (error) {
      release();
      throw error;
    }
    if (!response.body || NULL_BODY_STATUS.has(response.status)) {
      release();
      return response;
    }
    return new Response(releasing(response.body, release), { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}

/** The same bytes; `release` runs once the stream ends, fails or is cancelled. */
function releasing(body: ReadableStream<Uint8Array>, release: () => void): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { value, done } = await reader.read();
        if (done) {
          release();
          controller.close();
        } else controller.enqueue(value);
      } catch (error) {
        release();
        controller.error(error);
      }
    },
    cancel(reason) {
      release();
      return reader.cancel(reason);
    },
  });
}
