// W3C trace context (traceparent, tracestate) carried in a request's `_meta`, copied into the
// task's metadata under the same names. Sinks such as @headway/otel read it from there, so a task
// span is the request's child even after the request ended, without mcp and otel knowing each other.
const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;
const MAX_TRACESTATE = 512;

function traceMetadata(meta: Record<string, unknown> | undefined): { traceparent?: string; tracestate?: string } {
  const traceparent = meta?.traceparent;
  if (typeof traceparent !== 'string' || !TRACEPARENT.test(traceparent)) return {};
  const tracestate = meta?.tracestate;
  return typeof tracestate === 'string' && tracestate.length <= MAX_TRACESTATE ? { traceparent, tracestate } : { traceparent };
}

/**
 * The metadata of a call's task: its tool, how it runs, the era of the request (SDK v2), and the
 * request's trace context. Built field by field: this runs on every call.
 */
export function callMetadata(tool: string, mode: string, meta: Record<string, unknown> | undefined, era?: 'legacy' | 'modern'): Record<string, unknown> {
  const metadata: Record<string, unknown> = { tool, mode };
  if (era !== undefined) metadata.era = era;
  const trace = traceMetadata(meta);
  if (trace.traceparent !== undefined) metadata.traceparent = trace.traceparent;
  if (trace.tracestate !== undefined) metadata.tracestate = trace.tracestate;
  return metadata;
}
