// The one file that reaches into SDK internals (v1 `@modelcontextprotocol/sdk` 1.32 and v2
// `@modelcontextprotocol/server` 2.4). Each helper checks the shape it expects and says false (or
// undefined) when it does not find it, so the caller falls back to the public route and loses only
// what that route cannot do; nothing here throws over a changed SDK.

type RequestHandler = (request: never, extra: never) => unknown;

/**
 * Puts `wrap(original)` in place of the stored request handler of `method` on a `Protocol` (v1
 * `Server`, v2 `Server`). The stored handler is already the SDK's wrapped one (validation, and on
 * v2 the input-required seam), so the replacement goes straight into the handler map: going
 * through `setRequestHandler` would wrap it a second time. False when there is no such handler.
 */
export function wrapRequestHandler<H extends RequestHandler>(protocol: object, method: string, wrap: (original: H) => H): boolean {
  const handlers = (protocol as { _requestHandlers?: unknown })._requestHandlers;
  if (!(handlers instanceof Map)) return false;
  const original = handlers.get(method) as H | undefined;
  if (typeof original !== 'function') return false;
  handlers.set(method, wrap(original));
  return true;
}

/** McpServer's `maxToolInputElements` option (v1), which its own argument validation applies. */
export function maxToolInputElements(mcpServer: object): number | undefined {
  const value = (mcpServer as { _maxToolInputElements?: unknown })._maxToolInputElements;
  return typeof value === 'number' ? value : undefined;
}

/**
 * Lets a v2 McpServer's tool with an `outputSchema` answer a `tools/call` with something that is
 * not its final result (a task or a handle): `validateToolOutput` then skips results `isFinal`
 * says are not final. False when the method is not there; the binding then registers such tools
 * without advertising their output schema (and validates the output itself, as it always does).
 */
export function allowNonFinalToolResults(mcpServer: object, isFinal: (result: unknown) => boolean): boolean {
  const server = mcpServer as { validateToolOutput?: unknown };
  const original = server.validateToolOutput;
  if (typeof original !== 'function') return false;
  server.validateToolOutput = function (this: unknown, tool: unknown, result: unknown, name: unknown): unknown {
    if (!isFinal(result)) return undefined;
    return (original as (...args: unknown[]) => unknown).call(this, tool, result, name);
  };
  return true;
}
