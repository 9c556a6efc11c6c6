import { context, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '@headway/core';
import {
  ATTR,
  extractTraceContext,
  formatTraceparent,
  injectTraceContext,
  otelReporter,
  parseTraceparent,
  traceContextFromMeta,
} from '../src/index.js';
import { byName, harness, sleep } from './helpers.js';
import type { Harness } from './helpers.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE_ID}-${SPAN_ID}-01`;

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('trace context from MCP _meta', () => {
  it('a task created with the request _meta trace context is its child, even after the request ended', async () => {
    h = harness();
    // What the MCP binding does: copy _meta.traceparent/_meta.tracestate into task metadata.
    const meta = { progressToken: 7, traceparent: TRACEPARENT, tracestate: 'vendor=abc,other=x' };
    let proceed!: () => void;
    const gate = new Promise<void>((resolve) => (proceed = resolve));
    const task = await h.manager.create({
      kind: 'background',
      metadata: { tool: 'clear_context', ...traceContextFromMeta(meta) },
      fn: async (_input, ctx) => {
        await gate; // the request that started it has long answered
        await ctx.progress.phase('Work', {}, async () => sleep(1));
        return 'done';
      },
    });
    await sleep(20);
    proceed();
    await task.wait();
    await h.settle();
    const root = byName(h.spans(), 'task background');
    expect(root.spanContext().traceId).toBe(TRACE_ID);
    expect(root.parentSpanContext?.spanId).toBe(SPAN_ID);
    expect(root.parentSpanContext?.isRemote).toBe(true);
    expect(root.spanContext().traceState?.get('vendor')).toBe('abc');
    const phase = byName(h.spans(), 'phase Work');
    expect(phase.spanContext().traceId).toBe(TRACE_ID);
    expect(phase.parentSpanContext?.spanId).toBe(root.spanContext().spanId);
  });

  it('every attempt of a retried task, and a task cancelled in the queue, keep the request as parent', async () => {
    h = harness({ manager: { concurrency: 1, retry: { maxAttempts: 2, initialDelayMs: 1, jitter: 'none' } } });
    const metadata = { traceparent: TRACEPARENT };
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const flaky = await h.manager.create({
      kind: 'flaky',
      metadata,
      fn: async (_input, ctx) => {
        await gate;
        if (ctx.attempt === 1) throw new Error('once');
      },
    });
    const queued = await h.manager.create({ kind: 'queued', metadata, fn: () => undefined });
    await queued.cancel();
    release();
    await flaky.wait();
    await h.settle();
    const spans = h.spans().filter((s) => s.name === 'task flaky' || s.name === 'task queued');
    expect(spans).toHaveLength(3);
    for (const span of spans) {
      expect(span.spanContext().traceId).toBe(TRACE_ID);
      expect(span.parentSpanContext?.spanId).toBe(SPAN_ID);
    }
  });

  it('malformed or absent trace context gives a root span (never an error)', async () => {
    h = harness();
    const bad = ['garbage', `00-${'0'.repeat(32)}-${SPAN_ID}-01`, `ff-${TRACE_ID}-${SPAN_ID}-01`, 42];
    for (const traceparent of bad) {
      await (await h.manager.create({ kind: 'odd', metadata: { traceparent }, fn: () => 1 })).wait();
    }
    await h.settle();
    const spans = h.spans().filter((s) => s.name === 'task odd');
    expect(spans).toHaveLength(bad.length);
    for (const span of spans) expect(span.parentSpanContext).toBeUndefined();
  });
});

describe('trace context helpers', () => {
  const manager = new AsyncLocalStorageContextManager();
  beforeAll(() => {
    context.setGlobalContextManager(manager.enable());
  });
  afterAll(() => {
    context.disable();
  });

  it('parses and formats traceparent per W3C', () => {
    const parsed = parseTraceparent(TRACEPARENT, 'a=1');
    expect(parsed).toMatchObject({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: TraceFlags.SAMPLED, isRemote: true });
    expect(parsed!.traceState?.get('a')).toBe('1');
    expect(formatTraceparent(parsed!)).toBe(TRACEPARENT);
    expect(parseTraceparent(`00-${TRACE_ID}-${SPAN_ID}-00`)?.traceFlags).toBe(TraceFlags.NONE);
    // Future versions may append fields; version 00 may not.
    expect(parseTraceparent(`01-${TRACE_ID}-${SPAN_ID}-01-extra`)?.traceId).toBe(TRACE_ID);
    expect(parseTraceparent(`${TRACEPARENT}-extra`)).toBeUndefined();
    expect(parseTraceparent(`00-${TRACE_ID}-${'0'.repeat(16)}-01`)).toBeUndefined();
    expect(parseTraceparent(TRACEPARENT.toUpperCase())).toBeUndefined();
    expect(extractTraceContext({})).toBeUndefined();
    expect(trace.getSpanContext(extractTraceContext({ traceparent: TRACEPARENT })!)?.spanId).toBe(SPAN_ID);
  });

  it('injects the active span into metadata for a task handed to another process', async () => {
    h = harness();
    const tracer = h.provider.getTracer('app');
    const metadata = await tracer.startActiveSpan('enqueue', async (span) => {
      const m = injectTraceContext({ queue: 'imports' });
      span.end();
      return m;
    });
    const enqueue = byName(h.spans(), 'enqueue');
    expect(metadata).toEqual({ queue: 'imports', traceparent: formatTraceparent(enqueue.spanContext()) });
    // JSON round trip, as through Redis, then another manager ("the worker") runs it.
    const carried = JSON.parse(JSON.stringify(metadata)) as Record<string, unknown>;
    const task = await h.manager.create({ kind: 'remote', metadata: carried, fn: () => 'ok' });
    await task.wait();
    await h.settle();
    const span = byName(h.spans(), 'task remote');
    expect(span.parentSpanContext?.spanId).toBe(enqueue.spanContext().spanId);
    expect(span.spanContext().traceId).toBe(enqueue.spanContext().traceId);
    expect(injectTraceContext({ a: 1 }, ROOT_CONTEXT)).toEqual({ a: 1 });
  });

  it('traceContextFromMeta keeps only valid values', () => {
    expect(traceContextFromMeta({ traceparent: TRACEPARENT, tracestate: 'a=1', other: 1 })).toEqual({
      traceparent: TRACEPARENT,
      tracestate: 'a=1',
    });
    expect(traceContextFromMeta({ traceparent: 'nope', tracestate: 'a=1' })).toEqual({});
    expect(traceContextFromMeta(undefined)).toEqual({});
  });

  it('rejects bad options and arguments with InvalidArgumentError', () => {
    expect(() => otelReporter({ tracer: {} as never })).toThrow(InvalidArgumentError);
    expect(() => otelReporter({ cancelledStatus: 'maybe' as never })).toThrow(/cancelledStatus/);
    expect(() => otelReporter({ minLogLevel: 'loud' as never })).toThrow(/minLogLevel/);
    expect(() => otelReporter({ maxLogDataLength: -1 })).toThrow(/maxLogDataLength/);
    expect(() => otelReporter({ recordOwner: 'no' as never })).toThrow(/recordOwner/);
    expect(() => injectTraceContext('x' as never)).toThrow(InvalidArgumentError);
    expect(ATTR.taskId).toBe('headway.task.id');
  });
});
