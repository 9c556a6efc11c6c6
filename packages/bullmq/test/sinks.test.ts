// Sinks in a fleet: each counts the events made in its own process, so the fleet counts each once;
// a trace runs where the work runs, under the trace context the creating request carried.
import { afterEach, describe, expect, it } from 'vitest';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { TaskContext, TaskHandle, TaskManager } from '@headway/core';
import { otelReporter } from '@headway/otel';
import { prometheusReporter } from '@headway/prometheus';
import { eventually, testFleet } from './helpers.js';
import { metricSum } from './metrics.js';

describe('sinks across a fleet', () => {
  let fleet: ReturnType<typeof testFleet>;
  afterEach(async () => {
    await fleet.close();
  });

  it('makes the span of a task on the worker that runs it, parented on the trace context of its creation', async () => {
    fleet = testFleet();
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const worker = await fleet.worker((m) => m.define('traced', (n: number) => n + 1), { reporters: [otelReporter({ tracerProvider: provider })] });
    const server = fleet.server();
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const parentSpanId = '00f067aa0ba902b7';
    const task = await server.create({ kind: 'traced', input: 1, metadata: { traceparent: `00-${traceId}-${parentSpanId}-01` } });
    expect(await task.result()).toBe(2);
    await worker.flush();
    const [span] = exporter.getFinishedSpans();
    expect(span?.name).toBe('task traced');
    expect(span?.spanContext().traceId).toBe(traceId);
    expect(span?.parentSpanContext?.spanId).toBe(parentSpanId);
    await provider.shutdown();
  });

  it('counts each task once over the fleet: created where created, finished where it ended', async () => {
    fleet = testFleet();
    const sinks = { a: prometheusReporter(), b: prometheusReporter(), w1: prometheusReporter(), w2: prometheusReporter() };
    const define = (m: TaskManager) => {
      m.define('ok', () => 'fine');
      m.define('bad', () => {
        throw new Error('no');
      });
      m.define('hang', (_input: unknown, ctx: TaskContext) => new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason))));
    };
    await fleet.worker(define, { reporters: [sinks.w1] });
    await fleet.worker(define, { reporters: [sinks.w2] });
    const a = fleet.server({ reporters: [sinks.a] });
    const b = fleet.server({ reporters: [sinks.b] });
    const made: TaskHandle[] = [];
    for (let i = 0; i < 6; i++) made.push(await (i % 2 ? a : b).create({ kind: 'ok' }));
    for (let i = 0; i < 3; i++) made.push(await a.create({ kind: 'bad' }));
    const hung = await a.create({ kind: 'hang' });
    await Promise.all(made.map((t) => t.wait()));
    await eventually(async () => (await b.get(hung.id))?.status === 'working');
    await b.cancel(hung.id);
    for (const m of [a, b]) await m.flush();
    const texts = await Promise.all(Object.values(sinks).map((s) => s.scrape()));
    const total = (name: string, labels: Record<string, string> = {}) => texts.reduce((sum, text) => sum + metricSum(text, name, labels), 0);
    await eventually(async () => total('headway_tasks_finished_total', { status: 'completed' }) === 6);
    expect(total('headway_tasks_created_total')).toBe(10);
    expect(total('headway_tasks_finished_total', { status: 'completed' })).toBe(6);
    expect(total('headway_tasks_finished_total', { status: 'failed' })).toBe(3);
    expect(total('headway_tasks_finished_total', { status: 'cancelled' })).toBe(1);
    // Created on the servers only, finished on the workers (or where cancelled).
    expect(metricSum(texts[2]!, 'headway_tasks_created_total', {}) + metricSum(texts[3]!, 'headway_tasks_created_total', {})).toBe(0);
    expect(metricSum(texts[1]!, 'headway_tasks_finished_total', { status: 'cancelled' })).toBe(1);
  });
});
