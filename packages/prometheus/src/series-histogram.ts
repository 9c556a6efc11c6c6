import { Histogram } from 'prom-client';
import type { Aggregator, HistogramConfiguration } from 'prom-client';

/** One exported sample, in the shape prom-client's registry writes (`get()` of its metrics). */
interface Sample {
  metricName: string;
  labels: Record<string, string | number>;
  value: number;
  /** prom-client writes `null` on buckets when exemplars are off. */
  exemplar?: null;
}

interface HistogramExport {
  name: string;
  help: string;
  type: 'histogram';
  aggregator: Aggregator;
  values: Sample[];
}

/** The observations of one label set: a count per bucket (not cumulative), their sum and count. */
export class HistogramSeries<T extends string> {
  private readonly counts: Float64Array;
  private total = 0;
  private observations = 0;

  constructor(
    private readonly bounds: readonly number[],
    readonly labels: Readonly<Record<T, string>>,
  ) {
    // One slot per bound, and one for values above the last (+Inf).
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    if (!Number.isFinite(value)) throw new TypeError(`Value is not a valid number: ${String(value)}`);
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]!) i++;
    this.counts[i]!++;
    this.total += value;
    this.observations++;
  }

  /** Sum of the values observed. */
  get sum(): number {
    return this.total;
  }

  /** Number of values observed. */
  get count(): number {
    return this.observations;
  }

  reset(): void {
    this.counts.fill(0);
    this.total = 0;
    this.observations = 0;
  }

  /** Cumulative count of observations at most `bounds[i]`. */
  cumulative(): number[] {
    const out: number[] = [];
    let total = 0;
    for (let i = 0; i < this.bounds.length; i++) out.push((total += this.counts[i]!));
    return out;
  }
}

/**
 * A prom-client `Histogram` whose series are counted here: observing is a bucket search and three
 * additions, where prom-client checks and hashes the labels and stringifies the bound on every
 * observation (most of this sink's cost per task before). Series are created up front by `series()`
 * and exported in prom-client's own format, so registries, `/metrics` and JSON see a histogram.
 */
export class SeriesHistogram<T extends string> extends Histogram<T> {
  private readonly bounds: readonly number[];
  private readonly all: HistogramSeries<T>[] = [];
  private readonly metricName: string;
  private readonly metricHelp: string;
  private readonly metricAggregator: Aggregator;

  constructor(config: HistogramConfiguration<T> & { buckets: number[] }) {
    super(config);
    this.bounds = [...config.buckets];
    this.metricName = config.name;
    this.metricHelp = config.help;
    this.metricAggregator = config.aggregator ?? 'sum';
    // Observations go to a series, which is what gets exported. (prom-client sets observe per instance.)
    this.observe = () => this.notHere();
  }

  // prom-client's ways to reach a label set would write where nothing is exported: refuse them.
  override labels(): never {
    return this.notHere();
  }

  override zero(): never {
    return this.notHere();
  }

  override remove(): never {
    return this.notHere();
  }

  override startTimer(): never {
    return this.notHere();
  }

  private notHere(): never {
    throw new Error(`${this.metricName} is observed through its series (series(labels).observe(value))`);
  }

  /** A new series for `labels`; keep it and call its `observe`. */
  series(labels: Readonly<Record<T, string>>): HistogramSeries<T> {
    const series = new HistogramSeries(this.bounds, labels);
    this.all.push(series);
    return series;
  }

  override get(): ReturnType<Histogram<T>['get']> {
    // prom-client types `type` as its MetricType enum; its histograms (and its registry) use 'histogram'.
    return this.getForPromString() as Promise<unknown> as ReturnType<Histogram<T>['get']>;
  }

  /** What prom-client's registry asks a metric for when it writes the text format. */
  getForPromString(): Promise<HistogramExport> {
    const values: Sample[] = [];
    const name = this.metricName;
    const bucket = `${name}_bucket`;
    for (const series of this.all) {
      const cumulative = series.cumulative();
      for (let i = 0; i < this.bounds.length; i++) {
        values.push({ metricName: bucket, labels: { le: this.bounds[i]!, ...series.labels }, value: cumulative[i]!, exemplar: null });
      }
      values.push(
        { metricName: bucket, labels: { le: '+Inf', ...series.labels }, value: series.count, exemplar: null },
        { metricName: `${name}_sum`, labels: { ...series.labels }, value: series.sum },
        { metricName: `${name}_count`, labels: { ...series.labels }, value: series.count },
      );
    }
    return Promise.resolve({ name, help: this.metricHelp, type: 'histogram', values, aggregator: this.metricAggregator });
  }

  override reset(): void {
    // prom-client's constructor calls reset() before this class's fields exist.
    const all = this.all as HistogramSeries<T>[] | undefined;
    if (all) for (const series of all) series.reset();
  }
}
