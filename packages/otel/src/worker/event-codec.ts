import type { TaskErrorInfo, TaskEvent, TaskEventType } from '@headway/core';
import { DEFAULT_MAX_LOG_DATA_LENGTH, logDataText, truncateLogData } from '../log-data.js';
import { TRACEPARENT_KEY, TRACESTATE_KEY } from '../trace-context.js';

/**
 * Task events as one flat array of primitives, the cheapest thing to post to a worker (about a
 * tenth of the cost of cloning the event objects). Per event: its type, the five fields every event
 * has, then its own fields in a fixed order. Only what the OpenTelemetry sink reads travels: no
 * results, inputs or metadata beyond the trace context, and log data already as text.
 */
export type EventBatch = unknown[];

/** Appends `event` to `out`; log data becomes text, cut to `maxLogDataLength` as the span will show it. */
export function encodeEvent(event: TaskEvent, out: EventBatch, maxLogDataLength = DEFAULT_MAX_LOG_DATA_LENGTH): void {
  out.push(event.type, event.taskId, event.owner, event.kind, event.at, event.attempt);
  switch (event.type) {
    case 'created':
      out.push(event.maxAttempts, event.metadata[TRACEPARENT_KEY], event.metadata[TRACESTATE_KEY]);
      return;
    case 'started':
      out.push(event.queueWaitMs, event.resumed, event.metadata?.[TRACEPARENT_KEY], event.metadata?.[TRACESTATE_KEY]);
      return;
    case 'progress':
      out.push(event.progress);
      return;
    case 'phase':
      out.push(event.name, event.state, event.path, event.progress, event.from, event.to, event.total);
      return;
    case 'milestone':
      out.push(event.milestone, event.progress);
      return;
    case 'log':
      out.push(event.level, event.message, event.logger, event.data === undefined ? undefined : truncateLogData(logDataText(event.data), maxLogDataLength));
      return;
    case 'resources':
      out.push(event.sample, event.cpuUserMs, event.cpuSystemMs, event.rssBytes, event.heapUsedBytes, event.eventLoopUtilization, event.wallMs, event.shared);
      return;
    case 'checkpoint':
      return;
    case 'status':
      out.push(event.status, event.message);
      return;
    case 'retrying':
      pushError(event.error, out);
      out.push(event.delayMs, event.nextAttempt, event.progress);
      return;
    case 'completed':
      out.push(event.durationMs);
      return;
    case 'failed':
      pushError(event.error, out);
      out.push(event.durationMs, event.progress);
      return;
    case 'cancelled':
      out.push(event.reason, event.durationMs, event.progress);
      return;
  }
}

/** The events of a batch, rebuilt with the fields `encodeEvent` sent. */
export function decodeEvents(batch: EventBatch): TaskEvent[] {
  const events: TaskEvent[] = [];
  let i = 0;
  const next = (): never => batch[i++] as never;
  while (i < batch.length) {
    const type = next() as TaskEventType;
    const base = { taskId: next(), owner: next(), kind: next(), at: next(), attempt: next() } as const;
    switch (type) {
      case 'created': {
        const maxAttempts = next();
        events.push({ type, ...base, maxAttempts, metadata: readTraceContext(next) ?? {}, dependsOn: [], ttlMs: 0 });
        break;
      }
      case 'started': {
        const queueWaitMs = next();
        const resumed = next();
        const metadata = readTraceContext(next);
        events.push({ type, ...base, queueWaitMs, resumed, ...(metadata && { metadata }) });
        break;
      }
      case 'progress':
        events.push({ type, ...base, progress: next() });
        break;
      case 'phase':
        events.push({ type, ...base, name: next(), state: next(), path: next(), progress: next(), from: next(), to: next(), total: next() });
        break;
      case 'milestone':
        events.push({ type, ...base, milestone: next(), progress: next() });
        break;
      case 'log':
        events.push({ type, ...base, level: next(), message: next(), logger: next(), data: next() });
        break;
      case 'resources':
        events.push({
          type,
          ...base,
          sample: next(),
          cpuUserMs: next(),
          cpuSystemMs: next(),
          rssBytes: next(),
          heapUsedBytes: next(),
          eventLoopUtilization: next(),
          wallMs: next(),
          shared: next(),
        });
        break;
      case 'checkpoint':
        events.push({ type, ...base, state: undefined });
        break;
      case 'status':
        events.push({ type, ...base, status: next(), message: next() });
        break;
      case 'retrying':
        events.push({ type, ...base, error: readError(next), delayMs: next(), nextAttempt: next(), progress: next() });
        break;
      case 'completed':
        events.push({ type, ...base, result: undefined, durationMs: next() });
        break;
      case 'failed':
        events.push({ type, ...base, error: readError(next), durationMs: next(), progress: next() });
        break;
      case 'cancelled':
        events.push({ type, ...base, reason: next(), durationMs: next(), progress: next() });
        break;
      default:
        throw new Error(`corrupt event batch: unknown event type ${String(type)} at ${i}`);
    }
  }
  return events;
}

/** The trace context entries of a task's metadata (what the spans use of it); undefined when there are none. */
function readTraceContext(next: () => never): Record<string, unknown> | undefined {
  const traceparent: unknown = next();
  const tracestate: unknown = next();
  if (traceparent === undefined && tracestate === undefined) return undefined;
  const metadata: Record<string, unknown> = {};
  if (traceparent !== undefined) metadata[TRACEPARENT_KEY] = traceparent;
  if (tracestate !== undefined) metadata[TRACESTATE_KEY] = tracestate;
  return metadata;
}

function pushError(error: TaskErrorInfo, out: EventBatch): void {
  out.push(error.name, error.message, error.code);
}

function readError(next: () => never): TaskErrorInfo {
  const name: string = next();
  const message: string = next();
  const code: string | undefined = next();
  return code === undefined ? { name, message } : { name, message, code };
}
