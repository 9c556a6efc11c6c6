import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { TaskManager } from '@headway/core';
import type { Reporter, TaskManagerOptions } from '@headway/core';
import { otelReporter } from '../src/index.js';
import type { OtelReporterOptions } from '../src/index.js';

export interface Harness {
  manager: TaskManager;
  exporter: InMemorySpanExporter;
  provider: BasicTracerProvider;
  spans(): ReadableSpan[];
  /** Waits until every event was delivered to the reporters. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export function harness(
  options: { reporter?: OtelReporterOptions; manager?: TaskManagerOptions; extraReporters?: Reporter[] } = {},
): Harness {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const reporter = otelReporter({ tracerProvider: provider, ...options.reporter });
  const manager = new TaskManager({
    ...options.manager,
    reporters: [...(options.extraReporters ?? []), reporter],
    hub: { onReporterTrouble: () => undefined, ...options.manager?.hub },
  });
  return {
    manager,
    exporter,
    provider,
    spans: () => exporter.getFinishedSpans(),
    settle: () => manager.flush(),
    close: async () => {
      await manager.shutdown({ mode: 'abort', timeoutMs: 1000 });
      await provider.shutdown();
    },
  };
}

export function byName(spans: readonly ReadableSpan[], name: string): ReadableSpan {
  const found = spans.filter((s) => s.name === name);
  if (found.length !== 1) throw new Error(`expected one span named ${name}, found ${found.length}: ${spans.map((s) => s.name).join(', ')}`);
  return found[0]!;
}

export function eventNames(span: ReadableSpan): string[] {
  return span.events.map((e) => e.name);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
