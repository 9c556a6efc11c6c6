// Task throughput with no sink, with each observability sink, and with all of them, in one run:
// the same tasks (a phase of 4 items and a log line each) through a fresh TaskManager per run.
// Tasks are created and awaited in batches of 250 (manager.wait per task), the way a server uses them.
import { performance } from 'node:perf_hooks';
import { BasicTracerProvider, BatchSpanProcessor, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { TaskManager } from '@headway/core';
import type { Reporter, TaskContext } from '@headway/core';
import { BroadcastChannel } from 'node:worker_threads';
import { EXPORTED_CHANNEL } from './otel-worker-channel.js';
import { otelReporter, otelWorkerReporter } from '@headway/otel';
import type { OtelWorkerReporter } from '@headway/otel';
import { prometheusReporter } from '@headway/prometheus';
import { median, writeResult } from './harness.js';

const TASKS = 20_000;
const ROUNDS = 7;
const BATCH = 250;
// Spans per task: the attempt and its one phase.
const SPANS_PER_TASK = 2;

/** Accepts and forgets spans: the SDK's full path (span objects, processor, export call) without I/O. */
class NoopExporter implements SpanExporter {
  exported = 0;
  export(spans: ReadableSpan[], done: (result: { code: number }) => void): void {
    this.exported += spans.length;
    done({ code: 0 });
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

async function work(n: number, ctx: TaskContext): Promise<number> {
  await ctx.progress.phase('work', { total: 4 }, (phase) => {
    for (let i = 0; i < 4; i++) phase.advance();
  });
  ctx.log.info('done', { n });
  return n * 2;
}

// otel/all use the BatchSpanProcessor, as production does; otelSimple shows the SimpleSpanProcessor.
// otelWorker/allWorker run the same SDK on a worker thread (otelWorkerReporter).
type Variant = 'none' | 'otel' | 'prometheus' | 'all' | 'otelSimple' | 'otelWorker' | 'allWorker';
const VARIANTS: Variant[] = ['none', 'otel', 'prometheus', 'all', 'otelSimple', 'otelWorker', 'allWorker'];

/**
 * The worker sink lives as long as the bench, as it would in a server: its thread starts and its
 * JIT warms once, like the in-thread SDK's. Managers see it through an adapter without `close`.
 */
class SharedWorkerSink {
  readonly reporter: OtelWorkerReporter;
  private exported = 0;
  private readonly channel = new BroadcastChannel(EXPORTED_CHANNEL);

  constructor() {
    this.reporter = otelWorkerReporter({ setup: new URL('./otel-worker-setup.js', import.meta.url) });
    this.channel.onmessage = (message) => void (this.exported += (message as { data: number }).data);
  }

  adapter(): Reporter {
    const r = this.reporter;
    return { name: r.name, eventTypes: r.eventTypes, onEvent: (event) => r.onEvent(event), flush: () => r.flush() };
  }

  /** Spans exported since the last call, once the broadcast of the last export arrived. */
  async takeExported(expected: number): Promise<number> {
    for (let i = 0; i < 200 && this.exported < expected; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    const n = this.exported;
    this.exported = 0;
    return n;
  }

  async close(): Promise<void> {
    await this.reporter.close();
    this.channel.close();
  }
}

function sinks(variant: Variant, count: number, worker: SharedWorkerSink): { reporters: Reporter[]; done: () => Promise<void>; check: () => Promise<string> } {
  const reporters: Reporter[] = [];
  let provider: BasicTracerProvider | undefined;
  let exporter: NoopExporter | undefined;
  let prom: ReturnType<typeof prometheusReporter> | undefined;
  const viaWorker = variant === 'otelWorker' || variant === 'allWorker';
  if (viaWorker) reporters.push(worker.adapter());
  if (variant === 'otel' || variant === 'all' || variant === 'otelSimple') {
    exporter = new NoopExporter();
    const processor = variant === 'otelSimple' ? new SimpleSpanProcessor(exporter) : new BatchSpanProcessor(exporter, { maxQueueSize: 8192 });
    provider = new BasicTracerProvider({ spanProcessors: [processor] });
    reporters.push(otelReporter({ tracerProvider: provider }));
  }
  if (variant === 'prometheus' || variant === 'all' || variant === 'allWorker') {
    prom = prometheusReporter();
    reporters.push(prom);
  }
  return {
    reporters,
    done: async () => {
      await provider?.shutdown();
    },
    check: async () => {
      const parts: string[] = [];
      // Every span reached the exporter: the processor dropped nothing that would flatter the figure.
      const exported = exporter ? exporter.exported : viaWorker ? await worker.takeExported(count * SPANS_PER_TASK) : undefined;
      if (exported !== undefined) {
        if (exported !== count * SPANS_PER_TASK) throw new Error(`${variant}: exported ${exported} spans, expected ${count * SPANS_PER_TASK}`);
        parts.push(`${exported} spans`);
      }
      if (prom) {
        const finished = await prom.registry.getSingleMetric('headway_tasks_finished_total')!.get();
        const counted = finished.values.reduce((a, v) => a + v.value, 0);
        if (counted !== count) throw new Error(`prometheus counted ${counted} finished tasks, expected ${count}`);
        parts.push(`${counted} finished counted`);
      }
      return parts.join(', ');
    },
  };
}

/** Runs `count` tasks and waits until every sink has been handed every event; elapsed ms. */
async function run(variant: Variant, count: number, worker: SharedWorkerSink): Promise<{ ms: number; check: string }> {
  const s = sinks(variant, count, worker);
  const manager = new TaskManager({ reporters: s.reporters, maxActivePerOwner: BATCH * 2 });
  manager.define('work', work);
  await manager.start();
  const start = performance.now();
  for (let done = 0; done < count; done += BATCH) {
    const handles = await Promise.all(
      Array.from({ length: Math.min(BATCH, count - done) }, (_, i) => manager.create({ kind: 'work', input: done + i })),
    );
    await Promise.all(handles.map((h) => h.wait()));
  }
  await manager.flush();
  const ms = performance.now() - start;
  await manager.shutdown();
  await s.done();
  return { ms, check: await s.check() };
}

export async function main(): Promise<void> {
  const times = Object.fromEntries(VARIANTS.map((v) => [v, [] as number[]])) as Record<Variant, number[]>;
  const worker = new SharedWorkerSink();
  await worker.reporter.ready();
  for (const variant of VARIANTS) await run(variant, 2_000, worker); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate the order so drift on a noisy machine does not favour one variant.
    const order = VARIANTS.map((_, i) => VARIANTS[(i + round) % VARIANTS.length]!);
    const line: string[] = [];
    for (const variant of order) {
      (globalThis as { gc?: () => void }).gc?.();
      const { ms, check } = await run(variant, TASKS, worker);
      times[variant].push(ms);
      line.push(`${variant} ${ms.toFixed(0)} ms${check ? ` (${check})` : ''}`);
    }
    console.log(`  round ${round + 1}: ${line.join(', ')}`);
  }
  const med = Object.fromEntries(VARIANTS.map((v) => [v, median(times[v])])) as Record<Variant, number>;
  const perSecond = Object.fromEntries(VARIANTS.map((v) => [v, TASKS / (med[v] / 1000)])) as Record<Variant, number>;
  // Ratios within each round (same machine state), then the median over rounds.
  const ratio = (v: Variant) => median(times[v].map((t, i) => t / times.none[i]!));
  const allOverNone = ratio('all');
  const allWorkerOverNone = ratio('allWorker');
  await worker.close();
  writeResult({
    name: 'sinks-overhead',
    description: `${TASKS.toLocaleString()} tasks (a 4-item phase and a log line each) through TaskManager with no sink, @headway/otel (BasicTracerProvider, BatchSpanProcessor, no-op exporter; otelSimple: SimpleSpanProcessor; otelWorker: the same SDK on a worker thread via otelWorkerReporter), @headway/prometheus, and all sinks (all: otel in-thread + prometheus; allWorker: otel on its worker + prometheus); ${ROUNDS} rounds, order rotated, medians of per-round time ratios`,
    figures: { tasks: TASKS, rounds: ROUNDS, batch: BATCH, ms: times, medianMs: med, tasksPerSecond: perSecond },
    ratios: {
      otelOverNoneTime: ratio('otel'),
      otelSimpleOverNoneTime: ratio('otelSimple'),
      prometheusOverNoneTime: ratio('prometheus'),
      otelWorkerOverNoneTime: ratio('otelWorker'),
      allOverNoneTime: allOverNone,
      allWorkerOverNoneTime: allWorkerOverNone,
    },
    targets: [
      { name: 'all sinks, OpenTelemetry SDK on a worker thread, vs no sink (time ratio)', target: '<= 2', measured: allWorkerOverNone, met: allWorkerOverNone <= 2 },
      { name: 'all sinks, OpenTelemetry SDK on the event loop, vs no sink (time ratio)', target: '<= 2', measured: allOverNone, met: allOverNone <= 2 },
    ],
  });
}
