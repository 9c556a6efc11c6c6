import { isAbsolute } from 'node:path';
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { InvalidArgumentError } from '@headway/core';
import type { LogLevel, Reporter, TaskEvent, TaskEventType } from '@headway/core';
import { DEFAULT_MAX_LOG_DATA_LENGTH, logLevelFilter } from '../log-data.js';
import { checkReporterOptions, OTEL_EVENT_TYPES } from '../otel-reporter.js';
import { EventEncoder } from './event-codec.js';
import { WORKER_REPORTER_OPTIONS } from './messages.js';
import type { FromWorker, ToWorker, WorkerData, WorkerReporterOptions } from './messages.js';

export interface OtelWorkerReporterOptions extends WorkerReporterOptions {
  /**
   * The module the worker imports to set up the OpenTelemetry SDK: a file URL or an absolute path.
   * It exports its `TracerProvider` as `tracerProvider` or as the default export, or registers a
   * global one (`new NodeSDK(...).start()`). An exported `shutdown()` runs when the reporter closes.
   */
  setup: URL | string;
  /** Most events per message to the worker. Default 4096. */
  batchSize?: number;
  /** How long `close()` waits for the worker to end spans, flush and shut down before stopping it. Default 10000 ms. */
  closeTimeoutMs?: number;
}

/**
 * The OpenTelemetry sink with the SDK on a worker thread: the event loop only writes each event's
 * fields into a batch of numbers (strings by index, each once per batch; see `EventEncoder`) and
 * hands the batch over once per turn (its buffer is transferred, not copied, and comes back to be
 * written again); spans are built,
 * sampled and exported on the worker. The spans are those of `otelReporter`, which runs there.
 */
export class OtelWorkerReporter implements Reporter {
  readonly name: string;
  readonly eventTypes: readonly TaskEventType[] = OTEL_EVENT_TYPES;
  private readonly worker: Worker;
  private readonly batchSize: number;
  private readonly closeTimeoutMs: number;
  private readonly logged: (level: LogLevel) => boolean;
  private readonly encoder: EventEncoder;
  /** An event the worker could not handle, rethrown once here so the hub reports the trouble. */
  private workerError?: Error;
  private scheduled = false;
  private failure?: Error;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  private closing?: Promise<void>;
  private readonly readiness: Promise<void>;
  private markReady!: () => void;

  constructor(options: OtelWorkerReporterOptions) {
    // Every option is checked, and the setup module found, before the worker thread starts.
    const { setup, batchSize, closeTimeoutMs, reporterOptions } = splitOptions(options);
    checkReporterOptions(reporterOptions);
    const setupHref = setupUrl(setup);
    if (batchSize !== undefined && (!Number.isInteger(batchSize) || batchSize < 1)) {
      throw new InvalidArgumentError('batchSize', batchSize, 'a positive integer');
    }
    if (closeTimeoutMs !== undefined && (typeof closeTimeoutMs !== 'number' || !(closeTimeoutMs >= 0) || closeTimeoutMs === Infinity)) {
      throw new InvalidArgumentError('closeTimeoutMs', closeTimeoutMs, 'a finite number of ms, 0 or more');
    }
    this.name = reporterOptions.name ?? 'otel';
    this.batchSize = batchSize ?? 4096;
    this.closeTimeoutMs = closeTimeoutMs ?? 10_000;
    this.logged = logLevelFilter(reporterOptions.minLogLevel);
    this.encoder = new EventEncoder(reporterOptions.maxLogDataLength ?? DEFAULT_MAX_LOG_DATA_LENGTH);
    this.readiness = new Promise<void>((resolve, reject) => {
      this.markReady = resolve;
      this.pending.set(-1, { resolve, reject });
    });
    // Failing setup is reported through ready() and every later call; nobody has to await it.
    this.readiness.catch(() => undefined);
    const workerData: WorkerData = { setup: setupHref, options: reporterOptions };
    this.worker = new Worker(new URL('./worker-entry.js', import.meta.url), { workerData });
    this.worker.on('message', (message: FromWorker) => this.receive(message));
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`the OpenTelemetry worker exited (code ${code})`)));
    this.keepAliveWhileWaiting();
  }

  onEvent(event: TaskEvent): void {
    if (this.failure) throw this.failure;
    // Only an attempt's final usage is recorded, and logs below the level are not: leave them here.
    if (event.type === 'resources' && event.sample !== 'end') return;
    if (event.type === 'log' && !this.logged(event.level)) return;
    this.encoder.add(event);
    if (this.encoder.events >= this.batchSize || this.encoder.full) this.post();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.post);
    }
    const workerError = this.workerError;
    if (workerError) {
      this.workerError = undefined;
      throw workerError;
    }
  }

  /**
   * Resolves once the worker has loaded the setup module; rejects with the reason when it could not
   * (await it at startup to fail fast on a broken SDK setup). Events sent before are not lost.
   */
  ready(): Promise<void> {
    return this.readiness;
  }

  /** Resolves when the worker has turned everything sent so far into spans and flushed its provider. */
  flush(): Promise<void> {
    return this.request('flush');
  }

  /** Ends spans still open (as `interrupted`), flushes, runs the setup's `shutdown()`, stops the worker. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.failure) {
        // Already reported (by ready(), and by the hub for each event since): just stop the thread.
        await this.worker.terminate();
        return;
      }
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`the OpenTelemetry worker did not close within ${this.closeTimeoutMs} ms`)), this.closeTimeoutMs);
      });
      try {
        await Promise.race([this.request('close'), timeout]);
      } finally {
        clearTimeout(timer);
        await this.worker.terminate();
      }
    })();
    return this.closing;
  }

  private readonly post = (): void => {
    this.scheduled = false;
    if (this.encoder.events === 0 || this.failure) return;
    const batch = this.encoder.take();
    this.worker.postMessage({ type: 'events', batch } satisfies ToWorker, [batch.numbers.buffer]);
  };

  /**
   * The worker keeps the process alive only while an answer is awaited (ready, flush, close), like
   * an exporter's timer: spans not flushed are lost unless the manager shuts down.
   */
  private keepAliveWhileWaiting(): void {
    if (this.pending.size > 0) this.worker.ref();
    else this.worker.unref();
  }

  private request(type: 'flush' | 'close'): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    this.post();
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.keepAliveWhileWaiting();
      this.worker.postMessage({ type, id } satisfies ToWorker);
    });
  }

  private receive(message: FromWorker): void {
    switch (message.type) {
      case 'failed':
        return this.fail(new Error(message.error));
      case 'event-error':
        this.workerError ??= new Error(message.error);
        return;
      case 'buffer':
        this.encoder.recycle(message.buffer);
        return;
      case 'ready':
        this.pending.delete(-1);
        this.keepAliveWhileWaiting();
        return this.markReady();
      case 'done': {
        const waiter = this.pending.get(message.id);
        this.pending.delete(message.id);
        this.keepAliveWhileWaiting();
        if (message.error === undefined) waiter?.resolve();
        else waiter?.reject(new Error(message.error));
      }
    }
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiter of this.pending.values()) waiter.reject(this.failure);
    this.pending.clear();
    this.worker.unref();
  }
}

/** Creates the OpenTelemetry sink with its SDK on a worker thread (see `OtelWorkerReporterOptions.setup`). */
export function otelWorkerReporter(options: OtelWorkerReporterOptions): OtelWorkerReporter {
  return new OtelWorkerReporter(options);
}

/**
 * The options apart: the worker's own, and those of the reporter inside it, which must each cross to
 * the thread. An option it would not get (a `tracer`, an `exporter`…) is refused by name.
 */
function splitOptions(
  options: OtelWorkerReporterOptions,
): Pick<OtelWorkerReporterOptions, 'setup' | 'batchSize' | 'closeTimeoutMs'> & { reporterOptions: WorkerReporterOptions } {
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('otelWorkerReporter options', options, 'an object with setup');
  const { setup, batchSize, closeTimeoutMs, ...rest } = options as OtelWorkerReporterOptions & Record<string, unknown>;
  const reporterOptions: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rest)) {
    if (value === undefined) continue;
    if (!(WORKER_REPORTER_OPTIONS as readonly string[]).includes(key)) {
      const why = key === 'tracer' || key === 'tracerProvider' ? 'the setup module brings the SDK on the worker' : `the worker takes setup, batchSize, closeTimeoutMs, ${WORKER_REPORTER_OPTIONS.join(', ')}`;
      throw new InvalidArgumentError(key, value, `nothing: ${why}`);
    }
    reporterOptions[key] = value;
  }
  return { setup, batchSize, closeTimeoutMs, reporterOptions };
}

/** The setup module's file URL; it must exist (a thread is not started to find out it does not). */
function setupUrl(setup: unknown): string {
  let url: URL | undefined;
  if (setup instanceof URL && setup.protocol === 'file:') url = setup;
  else if (typeof setup === 'string' && setup.startsWith('file:')) url = new URL(setup);
  else if (typeof setup === 'string' && isAbsolute(setup)) url = pathToFileURL(setup);
  if (!url) throw new InvalidArgumentError('setup', setup, 'a file URL or an absolute path of the module that sets up the SDK');
  if (!existsSync(fileURLToPath(url))) throw new InvalidArgumentError('setup', url.href, 'the file URL or absolute path of an existing module');
  return url.href;
}
