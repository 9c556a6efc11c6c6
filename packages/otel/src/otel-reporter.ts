import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Attributes, Context, Link, Span, SpanContext, Tracer, TracerProvider } from '@opentelemetry/api';
import { InvalidArgumentError, LOG_LEVELS } from '@headway/core';
import type {
  CancelledEvent,
  FailedEvent,
  LogEvent,
  LogLevel,
  PhaseEvent,
  Reporter,
  ResourceUsage,
  RetryingEvent,
  StartedEvent,
  TaskErrorInfo,
  TaskEvent,
} from '@headway/core';
import { ATTR, EVENT } from './attributes.js';
import { extractTraceContext } from './trace-context.js';

export const TRACER_NAME = '@headway/otel';
export const TRACER_VERSION = '0.1.0';

export interface OtelReporterOptions {
  /** Tracer to use. Default: `tracerProvider.getTracer('@headway/otel')`. */
  tracer?: Tracer;
  /** Default: the globally registered provider (`trace.getTracerProvider()`). */
  tracerProvider?: TracerProvider;
  /** Reporter name in hub statistics and warnings. Default `otel`. */
  name?: string;
  /** Span status of a cancelled task. Default `unset`: cancelling is the caller's choice, not a fault. */
  cancelledStatus?: 'unset' | 'error';
  /** Least severe log level recorded as a span event. Default `debug` (all). */
  minLogLevel?: LogLevel;
  /** Record `headway.task.owner`. Default true. */
  recordOwner?: boolean;
  /** Span kind of task spans. Default `INTERNAL`. */
  spanKind?: SpanKind;
  /** Longest `headway.log.data` (JSON) kept; longer is cut. Default 1024. */
  maxLogDataLength?: number;
  /**
   * End the spans of tasks still open when `close()` is called (manager shutdown) as `interrupted`.
   * Default true. Set false when one instance is attached per kind (`define(kind, fn, { reporters })`),
   * where the hub calls `close()` at the end of every task of the kind.
   */
  endOpenSpansOnClose?: boolean;
}

interface TaskSpans {
  parent: Context;
  createdAt?: number;
  maxAttempts?: number;
  attempt?: Span;
  phases?: Map<string, Span>;
  progress: number;
  previous?: SpanContext;
  /** The attempt's final resource sample, set as attributes when its span ends. */
  usage?: ResourceUsage;
}

const PATH_SEPARATOR = '\u001f';

/**
 * A reporter that turns task events into spans: one per attempt, children per phase, span events
 * for milestones, logs, retries and exceptions. Spans carry the events' own timestamps, so
 * asynchronous (or coalesced) delivery does not skew them.
 */
export class OtelReporter implements Reporter {
  readonly name: string;
  private readonly tracer: Tracer;
  private readonly tracerProvider?: TracerProvider;
  private readonly cancelledStatus: 'unset' | 'error';
  private readonly minLogRank: number;
  private readonly recordOwner: boolean;
  private readonly spanKind: SpanKind;
  private readonly maxLogDataLength: number;
  private readonly endOpenSpansOnClose: boolean;
  private readonly tasks = new Map<string, TaskSpans>();

  constructor(options: OtelReporterOptions = {}) {
    checkOptions(options);
    this.name = options.name ?? 'otel';
    this.tracerProvider = options.tracerProvider;
    this.tracer = options.tracer ?? (options.tracerProvider ?? trace.getTracerProvider()).getTracer(TRACER_NAME, TRACER_VERSION);
    this.cancelledStatus = options.cancelledStatus ?? 'unset';
    this.minLogRank = LOG_LEVELS.indexOf(options.minLogLevel ?? 'debug');
    this.recordOwner = options.recordOwner ?? true;
    this.spanKind = options.spanKind ?? SpanKind.INTERNAL;
    this.maxLogDataLength = options.maxLogDataLength ?? 1024;
    this.endOpenSpansOnClose = options.endOpenSpansOnClose ?? true;
  }

  /** Tasks with state held (created or running, not yet finished). */
  get openTasks(): number {
    return this.tasks.size;
  }

  onEvent(event: TaskEvent): void {
    switch (event.type) {
      case 'progress': {
        const state = this.tasks.get(event.taskId);
        if (state && event.progress > state.progress) state.progress = event.progress;
        return;
      }
      case 'created':
        this.tasks.set(event.taskId, {
          parent: extractTraceContext(event.metadata) ?? ROOT_CONTEXT,
          createdAt: event.at,
          maxAttempts: event.maxAttempts,
          progress: 0,
        });
        return;
      case 'started':
        this.startAttempt(event);
        return;
      case 'phase':
        this.phase(event);
        return;
      case 'milestone':
        this.tasks.get(event.taskId)?.attempt?.addEvent(EVENT.milestone, { [ATTR.milestone]: event.milestone }, event.at);
        return;
      case 'log':
        this.log(event);
        return;
      case 'resources': {
        const state = this.tasks.get(event.taskId);
        if (state?.attempt && event.sample === 'end') state.usage = event;
        return;
      }
      case 'checkpoint':
        this.tasks.get(event.taskId)?.attempt?.addEvent(EVENT.checkpoint, undefined, event.at);
        return;
      case 'status': {
        const span = this.tasks.get(event.taskId)?.attempt;
        if (!span) return;
        const attributes: Attributes = { [ATTR.status]: event.status };
        if (event.message !== undefined) attributes[ATTR.statusMessage] = event.message;
        span.addEvent(EVENT.status, attributes, event.at);
        return;
      }
      case 'retrying':
        this.retrying(event);
        return;
      case 'completed': {
        const state = this.tasks.get(event.taskId);
        this.tasks.delete(event.taskId);
        const span = state?.attempt ?? this.unstartedSpan(event, state);
        span.setStatus({ code: SpanStatusCode.OK });
        this.endAttempt(state, span, 'completed', event.at, 100);
        return;
      }
      case 'failed':
        this.failed(event);
        return;
      case 'cancelled':
        this.cancelled(event);
        return;
    }
  }

  /** Flushes the tracer provider when it was given and can flush (SDK providers can). */
  async flush(): Promise<void> {
    const provider = this.tracerProvider as { forceFlush?: () => Promise<void> } | undefined;
    if (typeof provider?.forceFlush === 'function') await provider.forceFlush();
  }

  /** Ends the spans of tasks still open (the manager shut down before they finished). */
  close(): void {
    if (!this.endOpenSpansOnClose) return;
    const now = Date.now();
    for (const state of this.tasks.values()) {
      if (!state.attempt) continue;
      state.attempt.addEvent(EVENT.interrupted, undefined, now);
      this.endAttempt(state, state.attempt, 'interrupted', now);
    }
    this.tasks.clear();
  }

  private startAttempt(event: StartedEvent): void {
    let state = this.tasks.get(event.taskId);
    if (!state) {
      // Recovered after a restart: the created event (and its metadata) was seen by another process.
      state = { parent: ROOT_CONTEXT, progress: 0 };
      this.tasks.set(event.taskId, state);
    }
    if (state.attempt) this.endAttempt(state, state.attempt, 'interrupted', event.at);
    const attributes = this.baseAttributes(event);
    attributes[ATTR.queueWaitMs] = event.queueWaitMs;
    if (state.maxAttempts !== undefined) attributes[ATTR.maxAttempts] = state.maxAttempts;
    if (event.resumed) attributes[ATTR.resumed] = true;
    const links: Link[] | undefined = state.previous ? [{ context: state.previous }] : undefined;
    state.attempt = this.tracer.startSpan(
      `task ${event.kind}`,
      { kind: this.spanKind, startTime: event.at, attributes, ...(links && { links }) },
      state.parent,
    );
  }

  private phase(event: PhaseEvent): void {
    const state = this.tasks.get(event.taskId);
    if (!state?.attempt) return;
    const path = event.path;
    const key = path.length === 1 ? path[0]! : path.join(PATH_SEPARATOR);
    const phases = (state.phases ??= new Map());
    if (event.state === 'ended') {
      const span = phases.get(key);
      if (!span) return;
      phases.delete(key);
      span.setAttribute(ATTR.progress, event.progress);
      span.end(event.at);
      return;
    }
    phases.get(key)?.end(event.at);
    const parentSpan = (path.length > 1 && phases.get(path.slice(0, -1).join(PATH_SEPARATOR))) || state.attempt;
    // The task id is on the attempt span, the phase span's parent or ancestor.
    const attributes: Attributes = {
      [ATTR.phaseName]: event.name,
      [ATTR.phasePath]: path as string[],
      [ATTR.phaseFrom]: event.from,
      [ATTR.phaseTo]: event.to,
    };
    if (event.total !== undefined) attributes[ATTR.phaseTotal] = event.total;
    const span = this.tracer.startSpan(
      `phase ${event.name}`,
      { kind: SpanKind.INTERNAL, startTime: event.at, attributes },
      trace.setSpan(state.parent, parentSpan),
    );
    phases.set(key, span);
  }

  private log(event: LogEvent): void {
    if (LOG_LEVELS.indexOf(event.level) < this.minLogRank) return;
    const span = this.tasks.get(event.taskId)?.attempt;
    if (!span) return;
    const attributes: Attributes = { [ATTR.logLevel]: event.level, [ATTR.logMessage]: event.message };
    if (event.logger !== undefined) attributes[ATTR.logLogger] = event.logger;
    if (event.data !== undefined) attributes[ATTR.logData] = this.serialise(event.data);
    span.addEvent(EVENT.log, attributes, event.at);
  }

  private retrying(event: RetryingEvent): void {
    const state = this.tasks.get(event.taskId);
    const span = state?.attempt;
    if (!state || !span) return;
    recordError(span, event.error, event.at);
    span.addEvent(EVENT.retry, { [ATTR.retryDelayMs]: event.delayMs, [ATTR.retryNextAttempt]: event.nextAttempt }, event.at);
    this.endAttempt(state, span, 'retried', event.at);
  }

  private failed(event: FailedEvent): void {
    const state = this.tasks.get(event.taskId);
    this.tasks.delete(event.taskId);
    const span = state?.attempt ?? this.unstartedSpan(event, state);
    recordError(span, event.error, event.at);
    this.endAttempt(state, span, 'failed', event.at);
  }

  private cancelled(event: CancelledEvent): void {
    const state = this.tasks.get(event.taskId);
    this.tasks.delete(event.taskId);
    const span = state?.attempt ?? this.unstartedSpan(event, state);
    span.addEvent(EVENT.cancelled, { [ATTR.cancelReason]: event.reason }, event.at);
    span.setAttribute(ATTR.cancelReason, event.reason);
    if (this.cancelledStatus === 'error') {
      span.setAttribute(ATTR.errorType, 'TaskCancelledError');
      span.setStatus({ code: SpanStatusCode.ERROR, message: event.reason });
    }
    this.endAttempt(state, span, 'cancelled', event.at);
  }

  /** A span for a task that ended before any attempt started (cancelled while queued, failed dependency). */
  private unstartedSpan(event: TaskEvent, state: TaskSpans | undefined): Span {
    const attributes = this.baseAttributes(event);
    attributes[ATTR.started] = false;
    return this.tracer.startSpan(
      `task ${event.kind}`,
      { kind: this.spanKind, startTime: state?.createdAt ?? event.at, attributes },
      state?.parent ?? ROOT_CONTEXT,
    );
  }

  private endAttempt(state: TaskSpans | undefined, span: Span, outcome: string, at: number, progress?: number): void {
    if (state?.phases && state.phases.size > 0) {
      // Innermost first, so children end no later than their parents.
      const open = [...state.phases.entries()].sort((a, b) => b[0].length - a[0].length);
      for (const [, phase] of open) phase.end(at);
      state.phases.clear();
    }
    const attributes: Attributes = state?.usage ? resourceAttributes(state.usage) : {};
    attributes[ATTR.outcome] = outcome;
    attributes[ATTR.progress] = progress ?? state?.progress ?? 0;
    span.setAttributes(attributes);
    span.end(at);
    if (state) {
      state.previous = span.spanContext();
      state.attempt = undefined;
      state.usage = undefined;
    }
  }

  private baseAttributes(event: TaskEvent): Attributes {
    const attributes: Attributes = {
      [ATTR.taskId]: event.taskId,
      [ATTR.taskKind]: event.kind,
      [ATTR.attempt]: event.attempt,
    };
    if (this.recordOwner) attributes[ATTR.taskOwner] = event.owner;
    return attributes;
  }

  private serialise(data: unknown): string {
    let text: string;
    try {
      text = typeof data === 'string' ? data : (JSON.stringify(data) ?? String(data));
    } catch {
      text = String(data);
    }
    return text.length > this.maxLogDataLength ? `${text.slice(0, this.maxLogDataLength)}…` : text;
  }
}

/** Creates the OpenTelemetry sink: `new TaskManager({ reporters: [otelReporter()] })`. */
export function otelReporter(options: OtelReporterOptions = {}): OtelReporter {
  return new OtelReporter(options);
}

function recordError(span: Span, error: TaskErrorInfo, at: number): void {
  const attributes: Attributes = { [ATTR.exceptionType]: error.name, [ATTR.exceptionMessage]: error.message };
  if (error.code !== undefined) attributes[ATTR.errorCode] = error.code;
  span.addEvent(EVENT.exception, attributes, at);
  span.setAttribute(ATTR.errorType, error.name);
  span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
}

function resourceAttributes(usage: ResourceUsage): Attributes {
  return {
    [ATTR.cpuUserMs]: usage.cpuUserMs,
    [ATTR.cpuSystemMs]: usage.cpuSystemMs,
    [ATTR.rssBytes]: usage.rssBytes,
    [ATTR.heapUsedBytes]: usage.heapUsedBytes,
    [ATTR.eventLoopUtilization]: usage.eventLoopUtilization,
    [ATTR.wallMs]: usage.wallMs,
    [ATTR.resourcesShared]: usage.shared,
  };
}

function checkOptions(options: OtelReporterOptions): void {
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('otelReporter options', options, 'an object');
  if (options.tracer !== undefined && typeof (options.tracer as { startSpan?: unknown })?.startSpan !== 'function') {
    throw new InvalidArgumentError('tracer', options.tracer, 'an OpenTelemetry Tracer');
  }
  if (
    options.tracerProvider !== undefined &&
    typeof (options.tracerProvider as { getTracer?: unknown })?.getTracer !== 'function'
  ) {
    throw new InvalidArgumentError('tracerProvider', options.tracerProvider, 'an OpenTelemetry TracerProvider');
  }
  if (options.name !== undefined && (typeof options.name !== 'string' || options.name.length === 0)) {
    throw new InvalidArgumentError('name', options.name, 'a non-empty string');
  }
  if (options.cancelledStatus !== undefined && options.cancelledStatus !== 'unset' && options.cancelledStatus !== 'error') {
    throw new InvalidArgumentError('cancelledStatus', options.cancelledStatus, "'unset' or 'error'");
  }
  if (options.minLogLevel !== undefined && !LOG_LEVELS.includes(options.minLogLevel)) {
    throw new InvalidArgumentError('minLogLevel', options.minLogLevel, `one of ${LOG_LEVELS.join(', ')}`);
  }
  if (options.spanKind !== undefined && !Object.values(SpanKind).includes(options.spanKind)) {
    throw new InvalidArgumentError('spanKind', options.spanKind, 'a SpanKind');
  }
  if (options.endOpenSpansOnClose !== undefined && typeof options.endOpenSpansOnClose !== 'boolean') {
    throw new InvalidArgumentError('endOpenSpansOnClose', options.endOpenSpansOnClose, 'a boolean');
  }
  if (
    options.maxLogDataLength !== undefined &&
    (!Number.isInteger(options.maxLogDataLength) || options.maxLogDataLength < 0)
  ) {
    throw new InvalidArgumentError('maxLogDataLength', options.maxLogDataLength, 'a non-negative integer');
  }
}
