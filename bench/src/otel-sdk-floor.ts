// The OpenTelemetry SDK alone, no Headway: for each task of the sinks-overhead benchmark, the spans,
// attributes and span events `otelReporter` makes for it, made by direct SDK calls (same provider,
// processor and exporter setup). What the SDK costs per task is a floor under the in-thread sink;
// the sink's cost above it is Headway's.
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { HrTime } from '@opentelemetry/api';
import type { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';

const OK = Object.freeze({ code: SpanStatusCode.OK });
const PATH = Object.freeze(['work']) as string[];
const MILESTONES = [25, 50, 75].map((milestone) => Object.freeze({ 'headway.task.milestone': milestone }));

/** Makes `count` tasks' spans in slices of `slice` (a turn of the event loop between slices). */
export async function sdkFloor(provider: BasicTracerProvider, count: number, slice: number): Promise<void> {
  const tracer = provider.getTracer('@headway/otel', '0.1.0');
  for (let done = 0; done < count; done += slice) {
    const ms = Date.now();
    const seconds = Math.floor(ms / 1000);
    const at: HrTime = [seconds, (ms - seconds * 1000) * 1e6];
    for (let i = done; i < Math.min(done + slice, count); i++) oneTask(tracer, i, at);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function oneTask(tracer: ReturnType<BasicTracerProvider['getTracer']>, n: number, at: HrTime): void {
  const attempt = tracer.startSpan(
    'task work',
    {
      kind: SpanKind.INTERNAL,
      startTime: at,
      attributes: { 'headway.task.id': `task-${n}`, 'headway.task.kind': 'work', 'headway.task.attempt': 1, 'headway.task.owner': 'default' },
    },
    ROOT_CONTEXT,
  );
  attempt.setAttribute('headway.task.queue_wait_ms', 0.25);
  attempt.setAttribute('headway.task.max_attempts', 1);
  const phase = tracer.startSpan('phase work', { kind: SpanKind.INTERNAL, startTime: at }, trace.setSpan(ROOT_CONTEXT, attempt));
  phase.setAttribute('headway.phase.name', 'work');
  phase.setAttribute('headway.phase.path', PATH);
  phase.setAttribute('headway.phase.from', 0);
  phase.setAttribute('headway.phase.to', 100);
  phase.setAttribute('headway.phase.total', 4);
  for (const milestone of MILESTONES) attempt.addEvent('headway.milestone', milestone, at);
  phase.setAttribute('headway.task.progress', 100);
  phase.end(at);
  attempt.addEvent('headway.log', { 'headway.log.level': 'info', 'headway.log.message': 'done', 'headway.log.data': `{"n":${n}}` }, at);
  attempt.setStatus(OK);
  attempt.setAttribute('headway.resources.cpu.user_ms', 0.05);
  attempt.setAttribute('headway.resources.cpu.system_ms', 0.01);
  attempt.setAttribute('headway.resources.memory.rss_bytes', 150_000_000);
  attempt.setAttribute('headway.resources.memory.heap_used_bytes', 40_000_000);
  attempt.setAttribute('headway.resources.event_loop.utilization', 0.9);
  attempt.setAttribute('headway.resources.wall_ms', 0.1);
  attempt.setAttribute('headway.resources.shared', true);
  attempt.setAttribute('headway.task.outcome', 'completed');
  attempt.setAttribute('headway.task.progress', 100);
  attempt.end(at);
}
