import { context as otelContext, createTraceState, isSpanContextValid, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import type { Context, SpanContext } from '@opentelemetry/api';
import { InvalidArgumentError } from '@headway/core';

/** Task metadata keys that carry W3C trace context (the same names as in MCP `_meta` and HTTP). */
export const TRACEPARENT_KEY = 'traceparent';
export const TRACESTATE_KEY = 'tracestate';

export interface TraceContextCarrier {
  traceparent?: string;
  tracestate?: string;
}

// version-traceid-parentid-flags; version ff is forbidden, and version 00 has exactly four fields.
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/** Parses a W3C `traceparent` header value; undefined when it is not a valid one. */
export function parseTraceparent(value: unknown, tracestate?: unknown): SpanContext | undefined {
  if (typeof value !== 'string') return undefined;
  const match = TRACEPARENT.exec(value.trim());
  if (!match) return undefined;
  const [, version, traceId, spanId, flags, rest] = match;
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  const spanContext: SpanContext = {
    traceId: traceId!,
    spanId: spanId!,
    traceFlags: parseInt(flags!, 16) & TraceFlags.SAMPLED,
    isRemote: true,
  };
  if (!isSpanContextValid(spanContext)) return undefined;
  if (typeof tracestate === 'string' && tracestate.length > 0) spanContext.traceState = createTraceState(tracestate);
  return spanContext;
}

/** Formats a span context as a W3C `traceparent` value. */
export function formatTraceparent(spanContext: SpanContext): string {
  const flags = (spanContext.traceFlags & 0xff).toString(16).padStart(2, '0');
  return `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`;
}

/**
 * The parent context a task's spans belong to: the trace context in `metadata.traceparent`
 * (and `metadata.tracestate`), or undefined when there is none or it is malformed.
 */
export function extractTraceContext(metadata: Readonly<Record<string, unknown>> | undefined): Context | undefined {
  if (metadata === undefined || metadata === null) return undefined;
  const spanContext = parseTraceparent(metadata[TRACEPARENT_KEY], metadata[TRACESTATE_KEY]);
  return spanContext ? trace.setSpanContext(ROOT_CONTEXT, spanContext) : undefined;
}

/**
 * The trace context of `ctx` (default: the active context) as metadata entries, so a task created
 * with them (here or in another process) becomes a child of the current span. Empty when no span
 * is active.
 */
export function traceContextMetadata(ctx: Context = otelContext.active()): TraceContextCarrier {
  const spanContext = trace.getSpanContext(ctx);
  if (!spanContext || !isSpanContextValid(spanContext)) return {};
  const tracestate = spanContext.traceState?.serialize();
  return {
    [TRACEPARENT_KEY]: formatTraceparent(spanContext),
    ...(tracestate ? { [TRACESTATE_KEY]: tracestate } : {}),
  };
}

/**
 * Returns `metadata` with the trace context of `ctx` (default: the active context) added under
 * `traceparent`/`tracestate`; `metadata` itself is not modified.
 */
export function injectTraceContext<M extends Record<string, unknown>>(
  metadata: M = {} as M,
  ctx: Context = otelContext.active(),
): M & TraceContextCarrier {
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    throw new InvalidArgumentError('metadata', metadata, 'an object');
  }
  return { ...metadata, ...traceContextMetadata(ctx) };
}

/**
 * Picks `traceparent`/`tracestate` out of an MCP request's `_meta` (or any carrier) as task
 * metadata entries; valid values only.
 */
export function traceContextFromMeta(meta: unknown): TraceContextCarrier {
  if (typeof meta !== 'object' || meta === null) return {};
  const { traceparent, tracestate } = meta as Record<string, unknown>;
  if (!parseTraceparent(traceparent)) return {};
  return {
    traceparent: (traceparent as string).trim(),
    ...(typeof tracestate === 'string' && tracestate.length > 0 ? { tracestate } : {}),
  };
}
