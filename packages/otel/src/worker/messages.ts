import type { OtelReporterOptions } from '../otel-reporter.js';
import type { EventBatch } from './event-codec.js';

/** The options of the reporter inside the worker: everything but the tracer, which the setup module brings. */
export type WorkerReporterOptions = Omit<OtelReporterOptions, 'tracer' | 'tracerProvider'>;

/** The keys of `WorkerReporterOptions`: all that crosses to the worker (each a primitive). */
export const WORKER_REPORTER_OPTIONS: readonly (keyof WorkerReporterOptions)[] = Object.freeze([
  'name',
  'cancelledStatus',
  'minLogLevel',
  'recordOwner',
  'spanKind',
  'maxLogDataLength',
  'endOpenSpansOnClose',
] as const);

export interface WorkerData {
  /** File URL of the module that sets up the SDK in the worker. */
  setup: string;
  options: WorkerReporterOptions;
}

/** Main thread → worker (an events batch's `numbers.buffer` is transferred). */
export type ToWorker = { type: 'events'; batch: EventBatch } | { type: 'flush'; id: number } | { type: 'close'; id: number };

/** Worker → main thread. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'done'; id: number; error?: string }
  | { type: 'failed'; error: string }
  /** An event the worker could not turn into spans (the first of a series; the worker goes on). */
  | { type: 'event-error'; error: string }
  /** A batch's buffer, given back (transferred) once its events were read. */
  | { type: 'buffer'; buffer: ArrayBuffer };
