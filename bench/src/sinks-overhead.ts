// Task throughput with no sink, with each observability sink, and with all of them, in one run:
// the same tasks (a phase of 4 items and a log line each) through one TaskManager per variant.
// Tasks are created and awaited in slices of 250 (manager.wait per task), the way a server uses them.
//
// Method. Each round runs every variant once on a fresh manager, in an order rotated every round,
// and compares each to that round's no-sink run; the figures are medians over rounds. A run ends when
// every sink was handed every event and flushed (hub.flush(): for the worker sink, the worker has
// turned every event into spans and exported them). Besides wall time, a run reads the event loop
// thread's CPU time and its run-queue wait, and the worker thread's CPU time (Linux schedstat): on a
// machine shared with other work, wall time also counts the time others held the CPU (and a worker
// thread has no spare core to run on), CPU time does not. Each round also times the OpenTelemetry SDK
// alone making the same spans (otel-sdk-floor.ts): the floor under the in-thread sink.
import { performance } from 'node:perf_hooks';
import { BroadcastChannel } from 'node:worker_threads';
import { BasicTracerProvider, BatchSpanProcessor, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { TaskManager } from '@headway/core';
import type { Reporter, TaskContext } from '@headway/core';
import { otelReporter, otelWorkerReporter } from '@headway/otel';
import type { OtelWorkerReporter } from '@headway/otel';
import { prometheusReporter } from '@headway/prometheus';
import { sdkFloor } from './otel-sdk-floor.js';
import { EXPORTED_CHANNEL, threadClock } from './otel-worker-channel.js';
import type { WorkerNews } from './otel-worker-channel.js';
import { median, writeResult } from './harness.js';

const TASKS = 20_000;
const ROUNDS = 7;
const SLICE = 250;
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
const COMPARED = VARIANTS.filter((v) => v !== 'none');
const VIA_WORKER: ReadonlySet<Variant> = new Set(['otelWorker', 'allWorker']);

type Clock = () => { cpu: number; waited: number };

/**
 * The worker sink lives as long as the bench, as it would in a server: its thread starts and its
 * JIT warms once, like the in-thread SDK's. Managers see it through an adapter without `close`.
 */
class SharedWorkerSink {
  readonly reporter: OtelWorkerReporter;
  /** The worker thread's CPU clock, once its setup told its thread id. */
  clock?: Clock;
  private exported = 0;
  private readonly channel = new BroadcastChannel(EXPORTED_CHANNEL);

  constructor() {
    this.reporter = otelWorkerReporter({ setup: new URL('./otel-worker-setup.js', import.meta.url) });
    this.channel.onmessage = (message) => {
      const news = (message as { data: WorkerNews }).data;
      if ('exported' in news) this.exported += news.exported;
      else this.clock = threadClock(news.thread);
    };
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

interface Setup {
  manager: TaskManager;
  /** Ends the round: providers shut down; checks that every span and each of `count` tasks was counted. */
  finish(count: number): Promise<string>;
}

async function setup(variant: Variant, worker: SharedWorkerSink): Promise<Setup> {
  const reporters: Reporter[] = [];
  let provider: BasicTracerProvider | undefined;
  let exporter: NoopExporter | undefined;
  let prom: ReturnType<typeof prometheusReporter> | undefined;
  if (VIA_WORKER.has(variant)) reporters.push(worker.adapter());
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
  const manager = new TaskManager({ reporters, maxActivePerOwner: SLICE * 2 });
  manager.define('work', work);
  await manager.start();
  return {
    manager,
    finish: async (count) => {
      await manager.shutdown();
      await provider?.shutdown();
      const parts: string[] = [];
      // Every span reached the exporter: the processor dropped nothing that would flatter the figure.
      if (exporter) {
        if (exporter.exported !== count * SPANS_PER_TASK) throw new Error(`${variant}: exported ${exporter.exported} spans, expected ${count * SPANS_PER_TASK}`);
        parts.push(`${exporter.exported} spans`);
      }
      if (prom) {
        const finished = await prom.registry.getSingleMetric('headway_tasks_finished_total')!.get();
        const counted = finished.values.reduce((a, v) => a + v.value, 0);
        if (counted !== count) throw new Error(`${variant}: prometheus counted ${counted} finished tasks, expected ${count}`);
        parts.push(`${counted} finished counted`);
      }
      return parts.join(', ');
    },
  };
}

interface Spent {
  ms: number;
  /** Event-loop thread CPU time and run-queue wait, ms. */
  cpu: number;
  waited: number;
  /** Worker thread CPU time, ms. */
  workerCpu: number;
}

/** Runs `count` tasks and waits until every sink has been handed every event; what it spent. */
async function run(variant: Variant, count: number, worker: SharedWorkerSink, clock: Clock | undefined): Promise<{ spent: Spent; check: string }> {
  const s = await setup(variant, worker);
  const workerClock = VIA_WORKER.has(variant) ? worker.clock : undefined;
  const w0 = workerClock?.();
  const c0 = clock?.();
  const start = performance.now();
  for (let done = 0; done < count; done += SLICE) {
    const handles = await Promise.all(
      Array.from({ length: Math.min(SLICE, count - done) }, (_, i) => s.manager.create({ kind: 'work', input: done + i })),
    );
    await Promise.all(handles.map((h) => h.wait()));
  }
  await s.manager.flush();
  const ms = performance.now() - start;
  const c1 = clock?.();
  const w1 = workerClock?.();
  const spent: Spent = {
    ms,
    cpu: c0 && c1 ? c1.cpu - c0.cpu : NaN,
    waited: c0 && c1 ? c1.waited - c0.waited : NaN,
    workerCpu: w0 && w1 ? w1.cpu - w0.cpu : 0,
  };
  let check = await s.finish(count);
  if (VIA_WORKER.has(variant)) {
    // Every span reached the worker's exporter.
    const exported = await worker.takeExported(count * SPANS_PER_TASK);
    if (exported !== count * SPANS_PER_TASK) throw new Error(`${variant}: the worker exported ${exported} spans, expected ${count * SPANS_PER_TASK}`);
    check = [`${exported} spans`, check].filter(Boolean).join(', ');
  }
  return { spent, check };
}

/**
 * The SDK alone making the spans of `count` tasks (see otel-sdk-floor.ts): the floor under the
 * in-thread sink, measured like a variant.
 */
async function runFloor(count: number, clock: Clock | undefined): Promise<Spent> {
  const exporter = new NoopExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter, { maxQueueSize: 8192 })] });
  const c0 = clock?.();
  const start = performance.now();
  await sdkFloor(provider, count, SLICE);
  await provider.forceFlush();
  const ms = performance.now() - start;
  const c1 = clock?.();
  await provider.shutdown();
  if (exporter.exported !== count * SPANS_PER_TASK) throw new Error(`sdk floor: exported ${exporter.exported} spans, expected ${count * SPANS_PER_TASK}`);
  return { ms, cpu: c0 && c1 ? c1.cpu - c0.cpu : NaN, waited: c0 && c1 ? c1.waited - c0.waited : NaN, workerCpu: 0 };
}

export async function main(): Promise<void> {
  const clock = threadClock();
  const worker = new SharedWorkerSink();
  await worker.reporter.ready();
  for (const variant of VARIANTS) await run(variant, 2_000, worker, clock); // warm-up
  await runFloor(2_000, clock);
  const rounds: Record<Variant, Spent>[] = [];
  const floors: Spent[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const spent = {} as Record<Variant, Spent>;
    const line: string[] = [];
    // Rotate the order so drift on a noisy machine does not favour one variant.
    for (let i = 0; i < VARIANTS.length; i++) {
      const variant = VARIANTS[(i + r) % VARIANTS.length]!;
      (globalThis as { gc?: () => void }).gc?.();
      const result = await run(variant, TASKS, worker, clock);
      spent[variant] = result.spent;
      const cpu = clock ? ` (cpu ${result.spent.cpu.toFixed(0)}${result.spent.workerCpu ? ` + worker ${result.spent.workerCpu.toFixed(0)}` : ''})` : '';
      line.push(`${variant} ${result.spent.ms.toFixed(0)} ms${cpu}${result.check ? ` [${result.check}]` : ''}`);
    }
    (globalThis as { gc?: () => void }).gc?.();
    const floor = await runFloor(TASKS, clock);
    floors.push(floor);
    line.push(`sdk alone ${floor.ms.toFixed(0)} ms${clock ? ` (cpu ${floor.cpu.toFixed(0)})` : ''}`);
    rounds.push(spent);
    console.log(`  round ${r + 1}: ${line.join(', ')}`);
  }
  await worker.close();

  const per = (v: Variant, pick: (s: Spent) => number) => rounds.map((s) => pick(s[v]));
  // Ratios within each round (same machine state), then the median over rounds.
  const ratio = (v: Variant, pick: (s: Spent) => number) => median(rounds.map((s) => pick(s[v]) / pick(s.none)));
  const time = (s: Spent) => s.ms;
  const cpu = (s: Spent) => s.cpu;
  const totalCpu = (s: Spent) => s.cpu + s.workerCpu;
  const figures: Record<string, unknown> = { tasks: TASKS, rounds: ROUNDS, slice: SLICE, ms: Object.fromEntries(VARIANTS.map((v) => [v, per(v, time)])) };
  figures.medianMs = Object.fromEntries(VARIANTS.map((v) => [v, median(per(v, time))]));
  figures.tasksPerSecond = Object.fromEntries(VARIANTS.map((v) => [v, TASKS / (median(per(v, time)) / 1000)]));
  const ratios: Record<string, number> = {};
  for (const v of COMPARED) ratios[`${v}OverNoneTime`] = ratio(v, time);
  if (clock) {
    figures.eventLoopCpuMs = Object.fromEntries(VARIANTS.map((v) => [v, per(v, cpu)]));
    figures.workerCpuMs = Object.fromEntries([...VIA_WORKER].map((v) => [v, per(v, (s) => s.workerCpu)]));
    // Share of the wall time the event loop's thread waited for a CPU held by others: how loaded the machine was.
    figures.runQueueWaitShare = median(rounds.map((s) => VARIANTS.reduce((a, v) => a + s[v].waited, 0) / VARIANTS.reduce((a, v) => a + s[v].ms, 0)));
    for (const v of COMPARED) ratios[`${v}OverNoneEventLoopCpu`] = ratio(v, cpu);
    for (const v of VIA_WORKER) ratios[`${v}OverNoneTotalCpu`] = ratio(v, totalCpu);
    // The SDK alone (no Headway) making the same spans, against the round's no-sink run: the floor
    // under otel/all in-thread; what those variants cost above 1 + this is Headway's.
    figures.sdkAloneCpuMs = floors.map(cpu);
    ratios.sdkAloneOverNoneEventLoopCpu = median(rounds.map((s, r) => floors[r]!.cpu / s.none.cpu));
    ratios.headwayOtelShareOverNoneEventLoopCpu = median(rounds.map((s, r) => (s.otel.cpu - s.none.cpu - floors[r]!.cpu) / s.none.cpu));
    ratios.headwayAllShareOverNoneEventLoopCpu = median(rounds.map((s, r) => (s.all.cpu - s.none.cpu - floors[r]!.cpu) / s.none.cpu));
  }
  const allOverNone = ratios.allOverNoneTime!;
  const allWorkerOverNone = ratios.allWorkerOverNoneTime!;
  writeResult({
    name: 'sinks-overhead',
    description: `${TASKS.toLocaleString()} tasks (a 4-item phase and a log line each) per variant through TaskManager with no sink, @headway/otel (BasicTracerProvider, BatchSpanProcessor, no-op exporter; otelSimple: SimpleSpanProcessor; otelWorker: the same SDK on a worker thread via otelWorkerReporter), @headway/prometheus, and all sinks (all: otel in-thread + prometheus; allWorker: otel on its worker + prometheus); in slices of ${SLICE} created and awaited together, a fresh manager per run, each run ending with hub.flush(); ${ROUNDS} rounds, order rotated, medians of per-round ratios to the round's no-sink run; time is wall time, eventLoopCpu the event loop thread's CPU time, totalCpu adds the worker thread's (Linux schedstat); sdkAlone: the same spans, attributes and events made by direct SDK calls with no Headway (the floor under otel/all), and headway*Share what those variants cost above 1 + that floor, each as a fraction of the round's no-sink event-loop CPU`,
    figures,
    ratios,
    targets: [
      { name: 'all sinks, OpenTelemetry SDK on a worker thread, vs no sink (time ratio)', target: '<= 2', measured: allWorkerOverNone, met: allWorkerOverNone <= 2 },
      { name: 'all sinks, OpenTelemetry SDK on the event loop, vs no sink (time ratio)', target: '<= 2', measured: allOverNone, met: allOverNone <= 2 },
      ...(clock
        ? [
            { name: 'all sinks, OpenTelemetry SDK on a worker thread, vs no sink (event-loop CPU ratio)', target: '<= 2', measured: ratios.allWorkerOverNoneEventLoopCpu!, met: ratios.allWorkerOverNoneEventLoopCpu! <= 2 },
            { name: 'all sinks, OpenTelemetry SDK on the event loop, vs no sink (event-loop CPU ratio)', target: '<= 2', measured: ratios.allOverNoneEventLoopCpu!, met: ratios.allOverNoneEventLoopCpu! <= 2 },
          ]
        : []),
    ],
  });
}
