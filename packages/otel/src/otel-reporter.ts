import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Attributes, Context, HrTime, Span, SpanContext, SpanOptions, Tracer, TracerProvider } from '@opentelemetry/api';
import { InvalidArgumentError, LOG_LEVELS, TASK_EVENT_TYPES } from '@headway/core';
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
  TaskEventType,
} from '@headway/core';
import { ATTR, EVENT } from './attributes.js';
import { extractTraceContext } from './trace-context.js';
import { DEFAULT_MAX_LOG_DATA_LENGTH, logDataText, logLevelFilter, truncateLogData } from './log-data.js';

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

/**
 * What is held per task. A class with every field set at construction: one shape for all tasks,
 * fields in the object (not added one by one as the task moves on).
 */
class TaskSpans {
  attempt: Span | undefined = undefined;
  /** Open phase spans, in the order they started: few at a time, so a list (no Map per task). */
  phases: OpenPhase[] | undefined = undefined;
  /** Highest progress seen on milestones and phase ends: what an interrupted attempt reached. */
  progress: number | undefined = undefined;
  previous: SpanContext | undefined = undefined;
  /** The attempt's final resource sample, set as attributes when its span ends. */
  usage: ResourceUsage | undefined = undefined;

  constructor(
    readonly parent: Context,
    readonly createdAt?: number,
    readonly maxAttempts?: number,
  ) {}
}

interface OpenPhase {
  /** The phase path, joined. */
  readonly key: string;
  readonly span: Span;
}

const PATH_SEPARATOR = '\u001f';

const OK_STATUS = Object.freeze({ code: SpanStatusCode.OK });

// Span names and milestone attributes kept per kind and per value, for at most this many of each.
const MAX_CACHED_NAMES = 256;

/** Every event type but progress: where a task got to is on its terminal (and retrying) event. */
export const OTEL_EVENT_TYPES: readonly TaskEventType[] = Object.freeze(TASK_EVENT_TYPES.filter((type) => type !== 'progress'));

/**
 * A reporter that turns task events into spans: one per attempt, children per phase, span events
 * for milestones, logs, retries and exceptions. Spans carry the events' own timestamps, so
 * asynchronous (or coalesced) delivery does not skew them.
 */
export class OtelReporter implements Reporter {
  readonly name: string;
  readonly eventTypes: readonly TaskEventType[] = OTEL_EVENT_TYPES;
  private readonly tracer: Tracer;
  private readonly tracerProvider?: TracerProvider;
  private readonly cancelledStatus: 'unset' | 'error';
  private readonly logged: (level: LogLevel) => boolean;
  private readonly recordOwner: boolean;
  private readonly spanKind: SpanKind;
  private readonly maxLogDataLength: number;
  private readonly endOpenSpansOnClose: boolean;
  private readonly tasks = new Map<string, TaskSpans>();
  private readonly taskSpanNames = new Map<string, string>();
  private readonly milestones = new Map<number, Attributes>();
  // The task of the last lookup: a task's events mostly come one after another (its body runs in
  // one go), so most lookups need no Map probe.
  private lastId: string | undefined = undefined;
  private lastState: TaskSpans | undefined = undefined;

  constructor(options: OtelReporterOptions = {}) {
    checkReporterOptions(options);
    this.name = options.name ?? 'otel';
    this.tracerProvider = options.tracerProvider;
    this.tracer = options.tracer ?? (options.tracerProvider ?? trace.getTracerProvider()).getTracer(TRACER_NAME, TRACER_VERSION);
    this.cancelledStatus = options.cancelledStatus ?? 'unset';
    this.logged = logLevelFilter(options.minLogLevel);
    this.recordOwner = options.recordOwner ?? true;
    this.spanKind = options.spanKind ?? SpanKind.INTERNAL;
    this.maxLogDataLength = options.maxLogDataLength ?? DEFAULT_MAX_LOG_DATA_LENGTH;
    this.endOpenSpansOnClose = options.endOpenSpansOnClose ?? true;
  }

  /** Tasks with state held (created or running, not yet finished). */
  get openTasks(): number {
    return this.tasks.size;
  }

  onEvent(event: TaskEvent): void {
    switch (event.type) {
      case 'created':
        this.hold(event.taskId, new TaskSpans(extractTraceContext(event.metadata) ?? ROOT_CONTEXT, event.at, event.maxAttempts));
        return;
      case 'started':
        this.startAttempt(event);
        return;
      case 'phase':
        this.phase(event);
        return;
      case 'milestone': {
        const state = this.task(event.taskId);
        if (!state?.attempt) return;
        state.progress = event.progress;
        state.attempt.addEvent(EVENT.milestone, this.milestoneAttributes(event.milestone), hrTime(event.at));
        return;
      }
      case 'log':
        this.log(event);
        return;
      case 'resources': {
        const state = this.task(event.taskId);
        if (state?.attempt && event.sample === 'end') state.usage = event;
        return;
      }
      case 'checkpoint':
        this.task(event.taskId)?.attempt?.addEvent(EVENT.checkpoint, undefined, hrTime(event.at));
        return;
      case 'status': {
        const span = this.task(event.taskId)?.attempt;
        if (!span) return;
        const attributes: Attributes = { [ATTR.status]: event.status };
        if (event.message !== undefined) attributes[ATTR.statusMessage] = event.message;
        span.addEvent(EVENT.status, attributes, hrTime(event.at));
        return;
      }
      case 'retrying':
        this.retrying(event);
        return;
      case 'completed': {
        const { state, span } = this.finalSpan(event);
        span.setStatus(OK_STATUS);
        this.endAttempt(state, span, 'completed', hrTime(event.at), 100);
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
    const now = hrTime(Date.now());
    for (const state of this.tasks.values()) {
      if (!state.attempt) continue;
      state.attempt.addEvent(EVENT.interrupted, undefined, now);
      this.endAttempt(state, state.attempt, 'interrupted', now, state.progress);
    }
    this.tasks.clear();
    this.lastId = undefined;
    this.lastState = undefined;
  }

  private task(taskId: string): TaskSpans | undefined {
    if (taskId === this.lastId) return this.lastState;
    const state = this.tasks.get(taskId);
    if (state !== undefined) {
      this.lastId = taskId;
      this.lastState = state;
    }
    return state;
  }

  private hold(taskId: string, state: TaskSpans): void {
    this.tasks.set(taskId, state);
    this.lastId = taskId;
    this.lastState = state;
  }

  private release(taskId: string): void {
    this.tasks.delete(taskId);
    if (taskId === this.lastId) {
      this.lastId = undefined;
      this.lastState = undefined;
    }
  }

  private startAttempt(event: StartedEvent): void {
    let state = this.task(event.taskId);
    if (!state) {
      // Recovered after a restart: the created event went to another process's sinks, so the trace
      // context comes with this event's metadata.
      state = new TaskSpans(extractTraceContext(event.metadata) ?? ROOT_CONTEXT);
      this.hold(event.taskId, state);
    }
    const at = hrTime(event.at);
    if (state.attempt) this.endAttempt(state, state.attempt, 'interrupted', at, state.progress);
    // Identity attributes at the start, where samplers see them; the rest just after (the SDK checks
    // and copies the attributes given to startSpan twice more than those set on the span).
    const options: SpanOptions = { kind: this.spanKind, startTime: at, attributes: this.baseAttributes(event) };
    if (state.previous) options.links = [{ context: state.previous }];
    const span = this.tracer.startSpan(this.taskSpanName(event.kind), options, state.parent);
    span.setAttribute(ATTR.queueWaitMs, event.queueWaitMs);
    if (state.maxAttempts !== undefined) span.setAttribute(ATTR.maxAttempts, state.maxAttempts);
    if (event.resumed) span.setAttribute(ATTR.resumed, true);
    state.attempt = span;
  }

  private phase(event: PhaseEvent): void {
    const state = this.task(event.taskId);
    if (!state?.attempt) return;
    const path = event.path;
    const at = hrTime(event.at);
    const key = path.length === 1 ? path[0]! : path.join(PATH_SEPARATOR);
    const phases = (state.phases ??= []);
    const index = openPhase(phases, key);
    if (event.state === 'ended') {
      if (index < 0) return;
      const span = phases[index]!.span;
      phases.splice(index, 1);
      span.setAttribute(ATTR.progress, event.progress);
      span.end(at);
      if (event.progress > (state.progress ?? 0)) state.progress = event.progress;
      return;
    }
    if (index >= 0) {
      phases[index]!.span.end(at);
      phases.splice(index, 1);
    }
    const parentIndex = path.length > 1 ? openPhase(phases, path.slice(0, -1).join(PATH_SEPARATOR)) : -1;
    const parentSpan = parentIndex >= 0 ? phases[parentIndex]!.span : state.attempt;
    // The task id is on the attempt span, the phase span's parent or ancestor.
    // Attributes are set after the start: the SDK checks those given to startSpan three times, and a
    // phase span's sampling follows its task's.
    const span = this.tracer.startSpan(`phase ${event.name}`, { kind: SpanKind.INTERNAL, startTime: at }, trace.setSpan(state.parent, parentSpan));
    span.setAttribute(ATTR.phaseName, event.name);
    span.setAttribute(ATTR.phasePath, path as string[]);
    span.setAttribute(ATTR.phaseFrom, event.from);
    span.setAttribute(ATTR.phaseTo, event.to);
    if (event.total !== undefined) span.setAttribute(ATTR.phaseTotal, event.total);
    phases.push({ key, span });
  }

  private log(event: LogEvent): void {
    if (!this.logged(event.level)) return;
    const span = this.task(event.taskId)?.attempt;
    if (!span) return;
    // Literal keys (the values of ATTR.logLevel, ATTR.logMessage): V8 builds a literal with computed
    // keys one property at a time.
    const attributes: Attributes = { 'headway.log.level': event.level, 'headway.log.message': event.message };
    if (event.logger !== undefined) attributes[ATTR.logLogger] = event.logger;
    if (event.data !== undefined) attributes[ATTR.logData] = this.serialise(event.data);
    span.addEvent(EVENT.log, attributes, hrTime(event.at));
  }

  private retrying(event: RetryingEvent): void {
    const state = this.task(event.taskId);
    const span = state?.attempt;
    if (!state || !span) return;
    const at = hrTime(event.at);
    recordError(span, event.error, at);
    span.addEvent(EVENT.retry, { [ATTR.retryDelayMs]: event.delayMs, [ATTR.retryNextAttempt]: event.nextAttempt }, at);
    this.endAttempt(state, span, 'retried', at, event.progress);
  }

  private failed(event: FailedEvent): void {
    const { state, span } = this.finalSpan(event);
    const at = hrTime(event.at);
    recordError(span, event.error, at);
    this.endAttempt(state, span, 'failed', at, event.progress);
  }

  private cancelled(event: CancelledEvent): void {
    const { state, span } = this.finalSpan(event);
    const at = hrTime(event.at);
    span.addEvent(EVENT.cancelled, { [ATTR.cancelReason]: event.reason }, at);
    span.setAttribute(ATTR.cancelReason, event.reason);
    if (this.cancelledStatus === 'error') {
      span.setAttribute(ATTR.errorType, 'TaskCancelledError');
      span.setStatus({ code: SpanStatusCode.ERROR, message: event.reason });
    }
    this.endAttempt(state, span, 'cancelled', at, event.progress);
  }

  /** At a terminal event: the task's state, no longer held, and the span that event ends. */
  private finalSpan(event: TaskEvent): { state: TaskSpans | undefined; span: Span } {
    const state = this.task(event.taskId);
    this.release(event.taskId);
    return { state, span: state?.attempt ?? this.unstartedSpan(event, state) };
  }

  /** A span for a task that ended before any attempt started (cancelled while queued, failed dependency). */
  private unstartedSpan(event: TaskEvent, state: TaskSpans | undefined): Span {
    const attributes = this.baseAttributes(event);
    attributes[ATTR.started] = false;
    return this.tracer.startSpan(
      this.taskSpanName(event.kind),
      { kind: this.spanKind, startTime: hrTime(state?.createdAt ?? event.at), attributes },
      state?.parent ?? ROOT_CONTEXT,
    );
  }

  private endAttempt(state: TaskSpans | undefined, span: Span, outcome: string, at: HrTime, progress?: number): void {
    if (state?.phases && state.phases.length > 0) {
      // Innermost first, so children end no later than their parents.
      const open = state.phases.sort((a, b) => b.key.length - a.key.length);
      for (const phase of open) phase.span.end(at);
      state.phases.length = 0;
    }
    if (state?.usage) setResourceAttributes(span, state.usage);
    span.setAttribute(ATTR.outcome, outcome);
    if (progress !== undefined) span.setAttribute(ATTR.progress, progress);
    span.end(at);
    if (state) {
      state.previous = span.spanContext();
      state.attempt = undefined;
      state.usage = undefined;
      state.progress = undefined;
    }
  }

  /** `task <kind>`, made once per kind (of the first `MAX_CACHED_NAMES`). */
  private taskSpanName(kind: string): string {
    let name = this.taskSpanNames.get(kind);
    if (name === undefined) {
      name = `task ${kind}`;
      if (this.taskSpanNames.size < MAX_CACHED_NAMES) this.taskSpanNames.set(kind, name);
    }
    return name;
  }

  /** A milestone event's attributes, one object per milestone value (the SDK copies them). */
  private milestoneAttributes(milestone: number): Attributes {
    let attributes = this.milestones.get(milestone);
    if (attributes === undefined) {
      attributes = Object.freeze({ [ATTR.milestone]: milestone });
      if (this.milestones.size < MAX_CACHED_NAMES) this.milestones.set(milestone, attributes);
    }
    return attributes;
  }

  private baseAttributes(event: TaskEvent): Attributes {
    // Literal keys (the values of ATTR.taskId, .taskKind, .attempt, .taskOwner), one shape each way:
    // V8 builds a literal with computed keys one property at a time.
    if (!this.recordOwner) return { 'headway.task.id': event.taskId, 'headway.task.kind': event.kind, 'headway.task.attempt': event.attempt };
    return { 'headway.task.id': event.taskId, 'headway.task.kind': event.kind, 'headway.task.attempt': event.attempt, 'headway.task.owner': event.owner };
  }

  private serialise(data: unknown): string {
    return truncateLogData(logDataText(data), this.maxLogDataLength);
  }
}

/** Creates the OpenTelemetry sink: `new TaskManager({ reporters: [otelReporter()] })`. */
export function otelReporter(options: OtelReporterOptions = {}): OtelReporter {
  return new OtelReporter(options);
}

/** Where the phase of path `key` is in the open phases; -1 if it is not open. */
function openPhase(phases: readonly OpenPhase[], key: string): number {
  for (let i = phases.length - 1; i >= 0; i--) if (phases[i]!.key === key) return i;
  return -1;
}

/**
 * Event times as `HrTime`: the SDK reads a number as either epoch or performance time and asks the
 * clock which one it is, for every span start, end and event.
 */
function hrTime(epochMs: number): HrTime {
  if (epochMs === lastMs) return lastHrTime;
  const seconds = Math.floor(epochMs / 1000);
  lastMs = epochMs;
  lastHrTime = Object.freeze([seconds, Math.round((epochMs - seconds * 1000) * 1e6)]) as unknown as HrTime;
  return lastHrTime;
}
let lastMs = NaN;
let lastHrTime: HrTime = [0, 0];

function recordError(span: Span, error: TaskErrorInfo, at: HrTime): void {
  const attributes: Attributes = { [ATTR.exceptionType]: error.name, [ATTR.exceptionMessage]: error.message };
  if (error.code !== undefined) attributes[ATTR.errorCode] = error.code;
  span.addEvent(EVENT.exception, attributes, at);
  span.setAttribute(ATTR.errorType, error.name);
  span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
}

function setResourceAttributes(span: Span, usage: ResourceUsage): void {
  span.setAttribute(ATTR.cpuUserMs, usage.cpuUserMs);
  span.setAttribute(ATTR.cpuSystemMs, usage.cpuSystemMs);
  span.setAttribute(ATTR.rssBytes, usage.rssBytes);
  span.setAttribute(ATTR.heapUsedBytes, usage.heapUsedBytes);
  span.setAttribute(ATTR.eventLoopUtilization, usage.eventLoopUtilization);
  span.setAttribute(ATTR.wallMs, usage.wallMs);
  span.setAttribute(ATTR.resourcesShared, usage.shared);
}

/** Throws `InvalidArgumentError` naming the first bad option. */
export function checkReporterOptions(options: OtelReporterOptions): void {
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
  for (const key of ['recordOwner', 'endOpenSpansOnClose'] as const) {
    if (options[key] !== undefined && typeof options[key] !== 'boolean') throw new InvalidArgumentError(key, options[key], 'a boolean');
  }
  if (
    options.maxLogDataLength !== undefined &&
    (!Number.isInteger(options.maxLogDataLength) || options.maxLogDataLength < 0)
  ) {
    throw new InvalidArgumentError('maxLogDataLength', options.maxLogDataLength, 'a non-negative integer');
  }
}
