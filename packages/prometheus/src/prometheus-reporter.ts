import { Counter, Gauge, Registry } from 'prom-client';
import type { Metric } from 'prom-client';
import { InvalidArgumentError } from '@headway/core';
import { SeriesHistogram } from './series-histogram.js';
import type { HistogramSeries } from './series-histogram.js';
import type { Reporter, ResourcesEvent, TaskEvent, TaskEventType } from '@headway/core';
import type { ActiveStatus, TerminalStatus } from '@headway/core/spi';
import { metricsHandler } from './metrics-handler.js';
import type { MetricsHandler, MetricsHandlerOptions } from './metrics-handler.js';
import {
  DEFAULT_DURATION_BUCKETS,
  DEFAULT_PREFIX,
  DEFAULT_QUEUE_WAIT_BUCKETS,
  METRIC,
  OTHER_KIND,
} from './metric-names.js';
import { ReporterHealth } from './reporter-health.js';
import type { ReporterStatsSource } from './reporter-health.js';

export interface PrometheusReporterOptions {
  /** Where metrics are registered. Default: a new `Registry` (see `reporter.registry`). */
  registry?: Registry;
  /** Metric name prefix. Default `headway_`. */
  prefix?: string;
  /** Reporter name in hub statistics. Default `prometheus`. */
  name?: string;
  /** A manager (or several, via `observe`) whose reporter statistics are exported at scrape time. */
  manager?: ReporterStatsSource;
  /** Bucket bounds of `task_duration_seconds`, in seconds. */
  durationBuckets?: readonly number[];
  /** Bucket bounds of `task_queue_wait_seconds`, in seconds. */
  queueWaitBuckets?: readonly number[];
  /** Distinct `kind` label values at most; later kinds are counted as `other`. Default 100. */
  maxKinds?: number;
  /**
   * Kinds whose series exist at zero from the start, before their first task. Prometheus takes the
   * first sample of a series as its baseline, so without this `increase()` and `rate()` miss the
   * tasks of a kind counted before the first scrape that saw it (e.g. the first task of each kind).
   */
  kinds?: readonly string[];
}


const EVENT_TYPES: readonly TaskEventType[] = Object.freeze(['created', 'started', 'status', 'retrying', 'resources', 'completed', 'failed', 'cancelled'] as const);
const ACTIVE: readonly ActiveStatus[] = ['queued', 'working', 'input_required'];
const TERMINAL: readonly TerminalStatus[] = ['completed', 'failed', 'cancelled'];

/**
 * One kind's figures. Counters and gauges are plain numbers handed to prom-client at scrape time
 * (its label hashing would otherwise run on every event); histograms count into their own series.
 */
interface KindSeries {
  readonly kind: string;
  created: number;
  retries: number;
  readonly active: Record<ActiveStatus, number>;
  readonly finished: Record<TerminalStatus, number>;
  cpuUserSeconds: number;
  cpuSystemSeconds: number;
  peakRss: number;
  peakHeap: number;
  readonly queueWait: HistogramSeries<'kind'>;
  readonly duration: Record<TerminalStatus, HistogramSeries<'kind' | 'status'>>;
}

interface TrackedTask {
  series: KindSeries;
  status: ActiveStatus;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/**
 * A reporter that keeps Prometheus metrics of tasks. Labels are `kind` and `status` only (and
 * `reporter` for the hub's health), so the series count does not grow with the number of tasks.
 */
export class PrometheusReporter implements Reporter {
  readonly name: string;
  /** Progress, phases, milestones, logs and checkpoints have no metric: the hub does not queue them here. */
  readonly eventTypes: readonly TaskEventType[] = EVENT_TYPES;
  readonly registry: Registry;
  readonly prefix: string;
  private readonly maxKinds: number;
  private readonly kinds = new Map<string, KindSeries>();
  private readonly series: KindSeries[] = [];
  private readonly tasks = new Map<string, TrackedTask>();
  private readonly health: ReporterHealth;
  private readonly duration: SeriesHistogram<'kind' | 'status'>;
  private readonly queueWait: SeriesHistogram<'kind'>;

  constructor(options: PrometheusReporterOptions = {}) {
    // Everything that can refuse the options runs before anything is registered, and the metrics
    // are registered together at the end: a refused construction leaves the registry as it was.
    checkOptions(options);
    this.name = options.name ?? 'prometheus';
    this.registry = options.registry ?? new Registry();
    this.prefix = options.prefix ?? DEFAULT_PREFIX;
    this.maxKinds = options.maxKinds ?? 100;
    const p = this.prefix;
    // Built unregistered (registers: []), registered all at once by registerAll.
    const registers: Registry[] = [];
    const all = this.series;
    const metrics: Metric[] = [
      new Counter({
        name: p + METRIC.tasksCreated,
        help: 'Tasks created.',
        labelNames: ['kind'],
        registers,
        collect() {
          this.reset();
          for (const s of all) this.inc({ kind: s.kind }, s.created);
        },
      }),
      new Counter({
        name: p + METRIC.tasksFinished,
        help: 'Tasks that reached a terminal status (completed, failed, cancelled).',
        labelNames: ['kind', 'status'],
        registers,
        collect() {
          this.reset();
          for (const s of all) for (const status of TERMINAL) this.inc({ kind: s.kind, status }, s.finished[status]);
        },
      }),
      new Counter({
        name: p + METRIC.taskRetries,
        help: 'Failed attempts that were retried.',
        labelNames: ['kind'],
        registers,
        collect() {
          this.reset();
          for (const s of all) this.inc({ kind: s.kind }, s.retries);
        },
      }),
      (this.duration = new SeriesHistogram({
        name: p + METRIC.taskDuration,
        help: 'Time from the start of the last attempt to the terminal status, in seconds.',
        labelNames: ['kind', 'status'],
        buckets: [...(options.durationBuckets ?? DEFAULT_DURATION_BUCKETS)],
        registers,
      })),
      (this.queueWait = new SeriesHistogram({
        name: p + METRIC.taskQueueWait,
        help: 'Time an attempt waited in the queue before it started, in seconds.',
        labelNames: ['kind'],
        buckets: [...(options.queueWaitBuckets ?? DEFAULT_QUEUE_WAIT_BUCKETS)],
        registers,
      })),
      new Gauge({
        name: p + METRIC.tasksActive,
        help: 'Unfinished tasks by status (queued, working, input_required).',
        labelNames: ['kind', 'status'],
        registers,
        collect() {
          this.reset();
          for (const s of all) for (const status of ACTIVE) this.set({ kind: s.kind, status }, s.active[status]);
        },
      }),
      new Counter({
        name: p + METRIC.taskCpu,
        help: 'CPU time of finished attempts, in seconds (thread-wide when attempts share a thread).',
        labelNames: ['kind', 'mode'],
        registers,
        collect() {
          this.reset();
          for (const s of all) {
            this.inc({ kind: s.kind, mode: 'user' }, s.cpuUserSeconds);
            this.inc({ kind: s.kind, mode: 'system' }, s.cpuSystemSeconds);
          }
        },
      }),
      new Gauge({
        name: p + METRIC.taskPeakMemory,
        help: 'Highest memory seen while a task of the kind ran, in bytes (type: rss or heap_used).',
        labelNames: ['kind', 'type'],
        registers,
        collect() {
          this.reset();
          for (const s of all) {
            this.set({ kind: s.kind, type: 'rss' }, s.peakRss);
            this.set({ kind: s.kind, type: 'heap_used' }, s.peakHeap);
          }
        },
      }),
    ];
    this.health = new ReporterHealth(p);
    registerAll(this.registry, [...metrics, ...this.health.metrics]);
    for (const kind of options.kinds ?? []) this.seriesOf(kind);
    if (options.manager) this.health.add(options.manager);
  }

  /**
   * Exports the reporter statistics of `manager` (events dropped, coalesced, errors per reporter)
   * at scrape time. For when the reporter is created before the manager it is given to.
   */
  observe(manager: ReporterStatsSource): this {
    checkManager(manager);
    this.health.add(manager);
    return this;
  }

  /** A `/metrics` request listener for Node's `http` server, serving this reporter's registry. */
  handler(options: MetricsHandlerOptions = {}): MetricsHandler {
    return metricsHandler(this.registry, options);
  }

  /** Prometheus text exposition of the registry. */
  scrape(): Promise<string> {
    return this.registry.metrics();
  }

  onEvent(event: TaskEvent): void {
    switch (event.type) {
      case 'created': {
        const series = this.seriesOf(event.kind);
        series.created++;
        const known = this.tasks.get(event.taskId);
        if (known) known.series.active[known.status]--;
        series.active.queued++;
        this.tasks.set(event.taskId, { series, status: 'queued' });
        return;
      }
      case 'started': {
        const task = this.track(event.taskId, event.kind);
        this.move(task, 'working');
        task.series.queueWait.observe(event.queueWaitMs / 1000);
        return;
      }
      case 'status': {
        const task = this.tasks.get(event.taskId);
        if (task && (event.status === 'working' || event.status === 'input_required')) this.move(task, event.status);
        return;
      }
      case 'retrying': {
        const task = this.track(event.taskId, event.kind);
        task.series.retries++;
        this.move(task, 'queued');
        return;
      }
      case 'resources':
        this.resources(event);
        return;
      case 'completed':
      case 'failed':
      case 'cancelled': {
        const task = this.tasks.get(event.taskId);
        const series = task?.series ?? this.seriesOf(event.kind);
        if (task) {
          task.series.active[task.status]--;
          this.tasks.delete(event.taskId);
        }
        series.finished[event.type]++;
        series.duration[event.type].observe(event.durationMs / 1000);
        return;
      }
      default:
        return;
    }
  }

  /** Removes this reporter's metrics from the registry. */
  unregister(): void {
    for (const name of Object.values(METRIC)) this.registry.removeSingleMetric(this.prefix + name);
  }

  private resources(event: ResourcesEvent): void {
    const series = this.tasks.get(event.taskId)?.series ?? this.seriesOf(event.kind);
    if (event.rssBytes > series.peakRss) series.peakRss = event.rssBytes;
    if (event.heapUsedBytes > series.peakHeap) series.peakHeap = event.heapUsedBytes;
    if (event.sample === 'end') {
      series.cpuUserSeconds += event.cpuUserMs / 1000;
      series.cpuSystemSeconds += event.cpuSystemMs / 1000;
    }
  }

  /** The tracked task, or a new entry for one this reporter did not see created (recovered). */
  private track(taskId: string, kind: string): TrackedTask {
    let task = this.tasks.get(taskId);
    if (!task) {
      task = { series: this.seriesOf(kind), status: 'queued' };
      task.series.active.queued++;
      this.tasks.set(taskId, task);
    }
    return task;
  }

  private move(task: TrackedTask, status: ActiveStatus): void {
    if (task.status === status) return;
    task.series.active[task.status]--;
    task.series.active[status]++;
    task.status = status;
  }

  private seriesOf(kind: string): KindSeries {
    let series = this.kinds.get(kind);
    if (series) return series;
    const label = this.kinds.size < this.maxKinds ? kind : OTHER_KIND;
    series = this.kinds.get(label) ?? this.createSeries(label);
    this.kinds.set(kind, series);
    if (label !== kind) this.kinds.set(label, series);
    return series;
  }

  private createSeries(kind: string): KindSeries {
    const duration = {} as Record<TerminalStatus, HistogramSeries<'kind' | 'status'>>;
    for (const status of TERMINAL) duration[status] = this.duration.series({ kind, status });
    const series: KindSeries = {
      kind,
      created: 0,
      retries: 0,
      active: { queued: 0, working: 0, input_required: 0 },
      finished: { completed: 0, failed: 0, cancelled: 0 },
      cpuUserSeconds: 0,
      cpuSystemSeconds: 0,
      peakRss: 0,
      peakHeap: 0,
      queueWait: this.queueWait.series({ kind }),
      duration,
    };
    this.series.push(series);
    return series;
  }
}

/** Creates the Prometheus sink: `new TaskManager({ reporters: [prometheusReporter()] })`. */
export function prometheusReporter(options: PrometheusReporterOptions = {}): PrometheusReporter {
  return new PrometheusReporter(options);
}

function checkOptions(options: PrometheusReporterOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('prometheusReporter options', options, 'an object');
  }
  if (options.registry !== undefined && typeof (options.registry as { registerMetric?: unknown })?.registerMetric !== 'function') {
    throw new InvalidArgumentError('registry', options.registry, 'a prom-client Registry');
  }
  if (options.prefix !== undefined && (typeof options.prefix !== 'string' || (options.prefix !== '' && !METRIC_NAME.test(options.prefix)))) {
    throw new InvalidArgumentError('prefix', options.prefix, 'letters, digits, _ or : (not starting with a digit)');
  }
  if (options.name !== undefined && (typeof options.name !== 'string' || options.name.length === 0)) {
    throw new InvalidArgumentError('name', options.name, 'a non-empty string');
  }
  if (options.manager !== undefined) checkManager(options.manager);
  if (options.maxKinds !== undefined && (!Number.isInteger(options.maxKinds) || options.maxKinds < 1)) {
    throw new InvalidArgumentError('maxKinds', options.maxKinds, 'a positive integer');
  }
  if (
    options.kinds !== undefined &&
    (!Array.isArray(options.kinds) || !options.kinds.every((kind: unknown) => typeof kind === 'string' && kind.length > 0))
  ) {
    throw new InvalidArgumentError('kinds', options.kinds, 'an array of task kinds (non-empty strings)');
  }
  for (const key of ['durationBuckets', 'queueWaitBuckets'] as const) {
    const buckets = options[key];
    if (buckets === undefined) continue;
    const ok =
      Array.isArray(buckets) &&
      buckets.length > 0 &&
      buckets.every((b, i) => typeof b === 'number' && Number.isFinite(b) && b > 0 && (i === 0 || b > buckets[i - 1]!));
    if (!ok) throw new InvalidArgumentError(key, buckets, 'a non-empty increasing array of positive seconds');
  }
}

function checkManager(manager: unknown): asserts manager is ReporterStatsSource {
  if (typeof (manager as { stats?: unknown } | undefined)?.stats !== 'function') {
    throw new InvalidArgumentError('manager', manager, 'an object with stats() (a TaskManager)');
  }
}

/**
 * Registers every metric or none: when the registry already has one of them, those registered
 * before it are removed again and the registry is refused.
 */
function registerAll(registry: Registry, metrics: readonly Metric[]): void {
  const done: string[] = [];
  for (const metric of metrics) {
    // prom-client's typings leave out the name its registry keys metrics by.
    const name = (metric as unknown as { name: string }).name;
    if (registry.getSingleMetric(name) !== undefined) {
      for (const registered of done) registry.removeSingleMetric(registered);
      throw new InvalidArgumentError(
        'registry',
        `a registry that already has ${name}`,
        'a registry without these metrics (one prometheusReporter per registry and prefix)',
      );
    }
    registry.registerMetric(metric);
    done.push(name);
  }
}
