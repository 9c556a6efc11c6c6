import { TASK_EVENT_TYPES } from '@headway/core';
import type { TaskErrorInfo, TaskEvent, TaskEventType } from '@headway/core';
import { DEFAULT_MAX_LOG_DATA_LENGTH, logDataText, truncateLogData } from '../log-data.js';
import { TRACEPARENT_KEY, TRACESTATE_KEY } from '../trace-context.js';

/**
 * Task events on their way to the worker: every field as a number in one `Float64Array`, whose
 * buffer is transferred, not cloned, and comes back to be written again (`EventEncoder.recycle`),
 * and strings as indices into `strings`, where a task's id, owner and kind and other names are once
 * per batch however many of its events the batch holds. Only what the OpenTelemetry sink reads
 * travels: no results, inputs or metadata beyond the trace context, and log data already as text.
 *
 * (The format before, one array of primitives, cost the event loop about four times as much: a
 * structured clone of every value, fresh memory for every message, and V8's slow path for stores into
 * an array past 16K elements. Writing into fresh memory for every batch costs most of it again, in page
 * faults: hence buffers that go back and forth. `sinks-overhead` in bench/ measures it.)
 */
export interface EventBatch {
  readonly numbers: Float64Array<ArrayBuffer>;
  readonly strings: readonly unknown[];
  /** Events in the batch. */
  readonly events: number;
}

const TYPE_CODE = new Map<TaskEventType, number>(TASK_EVENT_TYPES.map((type, i) => [type, i]));
// Stands for an absent string (an index) or boolean; absent numbers travel as NaN.
const NONE = -1;
/** Numbers per buffer (128 KiB): about 1,400 events. */
export const BATCH_CAPACITY = 16_384;
// Numbers an event takes at the most, but for its phase path.
const EVENT_ROOM = 32;
// Buffers kept for reuse.
const MAX_SPARE = 8;

/** Builds one batch after another; `take()` hands over the current one. */
export class EventEncoder {
  private readonly spare: ArrayBuffer[] = [];
  private numbers: Float64Array<ArrayBuffer> = this.buffer();
  private length = 0;
  private strings: unknown[] = [];
  private count = 0;
  /**
   * Strings that repeat (task ids, owners, kinds, names, levels) and their index in `strings`, so
   * each is cloned once per batch. (The events of a task share one id string, whose hash V8 keeps.)
   */
  private readonly known = new Map<unknown, number>();

  constructor(private readonly maxLogDataLength = DEFAULT_MAX_LOG_DATA_LENGTH) {}

  /** Events in the current batch. */
  get events(): number {
    return this.count;
  }

  /** Whether the batch should go before the next event: its buffer is (nearly) full. */
  get full(): boolean {
    return this.length + EVENT_ROOM > this.numbers.length;
  }

  /** Appends `event`; log data becomes text, cut to `maxLogDataLength` as the span will show it. */
  add(event: TaskEvent): void {
    const code = TYPE_CODE.get(event.type);
    if (code === undefined) throw new Error(`unknown event type ${String(event.type)}`);
    this.encode(code, event);
    this.count++;
  }

  /** The batch so far, to post with its `numbers.buffer` transferred; the encoder starts a new one. */
  take(): EventBatch {
    const batch: EventBatch = { numbers: this.numbers.subarray(0, this.length), strings: this.strings, events: this.count };
    this.numbers = this.buffer();
    this.length = 0;
    this.strings = [];
    this.count = 0;
    this.known.clear();
    return batch;
  }

  /** A batch's buffer, back from the worker, to write the next batch into. */
  recycle(buffer: ArrayBuffer): void {
    if (this.spare.length < MAX_SPARE && buffer.byteLength >= BATCH_CAPACITY * Float64Array.BYTES_PER_ELEMENT) this.spare.push(buffer);
  }

  private buffer(): Float64Array<ArrayBuffer> {
    const reused = this.spare.pop();
    return reused ? new Float64Array(reused) : new Float64Array(BATCH_CAPACITY);
  }

  private encode(code: number, event: TaskEvent): void {
    this.room(EVENT_ROOM);
    this.put(code);
    this.put(this.shared(event.taskId));
    this.put(this.shared(event.owner));
    this.put(this.shared(event.kind));
    this.put(event.at);
    this.put(event.attempt);
    switch (event.type) {
      case 'created':
        this.put(event.maxAttempts);
        this.put(this.text(event.metadata[TRACEPARENT_KEY]));
        this.put(this.text(event.metadata[TRACESTATE_KEY]));
        return;
      case 'started':
        this.put(event.queueWaitMs);
        this.put(event.resumed === undefined ? NONE : Number(event.resumed));
        this.put(this.text(event.metadata?.[TRACEPARENT_KEY]));
        this.put(this.text(event.metadata?.[TRACESTATE_KEY]));
        return;
      case 'progress':
        this.put(event.progress);
        return;
      case 'phase':
        this.put(this.shared(event.name));
        this.put(event.state === 'ended' ? 1 : 0);
        this.room(event.path.length);
        this.put(event.path.length);
        for (const name of event.path) this.put(this.shared(name));
        this.put(event.progress);
        this.put(event.from);
        this.put(event.to);
        this.put(event.total ?? NaN);
        return;
      case 'milestone':
        this.put(event.milestone);
        this.put(event.progress);
        return;
      case 'log':
        this.put(this.shared(event.level));
        this.put(this.text(event.message));
        this.put(this.text(event.logger));
        this.put(this.text(event.data === undefined ? undefined : truncateLogData(logDataText(event.data), this.maxLogDataLength)));
        return;
      case 'resources':
        this.put(this.shared(event.sample));
        this.put(event.cpuUserMs);
        this.put(event.cpuSystemMs);
        this.put(event.rssBytes);
        this.put(event.heapUsedBytes);
        this.put(event.eventLoopUtilization);
        this.put(event.wallMs);
        this.put(Number(event.shared));
        return;
      case 'checkpoint':
        return;
      case 'status':
        this.put(this.shared(event.status));
        this.put(this.text(event.message));
        return;
      case 'retrying':
        this.error(event.error);
        this.put(event.delayMs);
        this.put(event.nextAttempt);
        this.put(event.progress);
        return;
      case 'completed':
        this.put(event.durationMs);
        return;
      case 'failed':
        this.error(event.error);
        this.put(event.durationMs);
        this.put(event.progress);
        return;
      case 'cancelled':
        this.put(this.text(event.reason));
        this.put(event.durationMs);
        this.put(event.progress);
        return;
    }
  }

  private error(error: TaskErrorInfo): void {
    this.put(this.shared(error.name));
    this.put(this.text(error.message));
    this.put(this.text(error.code));
  }

  private put(value: number): void {
    this.numbers[this.length++] = value;
  }

  /** Makes room for `n` more numbers (a batch not taken when full, or a very long phase path). */
  private room(n: number): void {
    if (this.length + n <= this.numbers.length) return;
    const grown = new Float64Array(Math.max(this.numbers.length * 2, this.length + n));
    grown.set(this.numbers.subarray(0, this.length));
    this.numbers = grown;
  }

  /** A string that repeats: its index in `strings`, where it is once per batch. */
  private shared(value: unknown): number {
    let index = this.known.get(value);
    if (index === undefined) {
      index = this.strings.push(value) - 1;
      this.known.set(value, index);
    }
    return index;
  }

  /** A string that is mostly unique (a message, log data): its index in `strings` (NONE when absent). */
  private text(value: unknown): number {
    return value === undefined ? NONE : this.strings.push(value) - 1;
  }
}

/** The events of a batch, rebuilt with the fields `EventEncoder` sent. */
export function decodeEvents(batch: EventBatch): TaskEvent[] {
  const { numbers, strings } = batch;
  const events: TaskEvent[] = [];
  let i = 0;
  const num = (): number => numbers[i++]!;
  const str = (): never => {
    const index = numbers[i++]!;
    return (index === NONE ? undefined : strings[index]) as never;
  };
  const optional = (): number | undefined => {
    const value = numbers[i++]!;
    return Number.isNaN(value) ? undefined : value;
  };
  while (i < numbers.length) {
    const at = i;
    const type = TASK_EVENT_TYPES[num()];
    const base = { taskId: str(), owner: str(), kind: str(), at: num(), attempt: num() } as const;
    switch (type) {
      case 'created': {
        const maxAttempts = num();
        events.push({ type, ...base, maxAttempts, metadata: traceContext(str(), str()) ?? {}, dependsOn: [], ttlMs: 0 });
        break;
      }
      case 'started': {
        const queueWaitMs = num();
        const resumed = num();
        const metadata = traceContext(str(), str());
        events.push({ type, ...base, queueWaitMs, ...(resumed !== NONE && { resumed: resumed === 1 }), ...(metadata && { metadata }) });
        break;
      }
      case 'progress':
        events.push({ type, ...base, progress: num() });
        break;
      case 'phase': {
        const name = str();
        const state = num() === 1 ? 'ended' : 'started';
        const path: string[] = [];
        for (let n = num(); n > 0; n--) path.push(str());
        const progress = num();
        const from = num();
        const to = num();
        const total = optional();
        events.push({ type, ...base, name, state, path, progress, from, to, ...(total !== undefined && { total }) });
        break;
      }
      case 'milestone':
        events.push({ type, ...base, milestone: num(), progress: num() });
        break;
      case 'log': {
        const level = str();
        const message = str();
        const logger: string | undefined = str();
        const data: string | undefined = str();
        events.push({ type, ...base, level, message, ...(logger !== undefined && { logger }), ...(data !== undefined && { data }) });
        break;
      }
      case 'resources':
        events.push({
          type,
          ...base,
          sample: str(),
          cpuUserMs: num(),
          cpuSystemMs: num(),
          rssBytes: num(),
          heapUsedBytes: num(),
          eventLoopUtilization: num(),
          wallMs: num(),
          shared: num() === 1,
        });
        break;
      case 'checkpoint':
        events.push({ type, ...base, state: undefined });
        break;
      case 'status': {
        const status = str();
        const message: string | undefined = str();
        events.push({ type, ...base, status, ...(message !== undefined && { message }) });
        break;
      }
      case 'retrying':
        events.push({ type, ...base, error: readError(str), delayMs: num(), nextAttempt: num(), progress: num() });
        break;
      case 'completed':
        events.push({ type, ...base, result: undefined, durationMs: num() });
        break;
      case 'failed':
        events.push({ type, ...base, error: readError(str), durationMs: num(), progress: num() });
        break;
      case 'cancelled':
        events.push({ type, ...base, reason: str(), durationMs: num(), progress: num() });
        break;
      default:
        if (type === undefined) throw new Error(`corrupt event batch: unknown event type code ${String(numbers[at])} at ${at}`);
        // A type this codec has no fields for (the sink ignores it): its common fields only.
        events.push({ type: type as string, ...base } as unknown as TaskEvent);
    }
  }
  return events;
}

/** The trace context entries of a task's metadata (what the spans use of it); undefined when there are none. */
function traceContext(traceparent: unknown, tracestate: unknown): Record<string, unknown> | undefined {
  if (traceparent === undefined && tracestate === undefined) return undefined;
  const metadata: Record<string, unknown> = {};
  if (traceparent !== undefined) metadata[TRACEPARENT_KEY] = traceparent;
  if (tracestate !== undefined) metadata[TRACESTATE_KEY] = tracestate;
  return metadata;
}

function readError(str: () => never): TaskErrorInfo {
  const name: string = str();
  const message: string = str();
  const code: string | undefined = str();
  return code === undefined ? { name, message } : { name, message, code };
}
