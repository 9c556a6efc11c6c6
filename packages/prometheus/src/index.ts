// The sink is made by `prometheusReporter(options)`; the class is a type.
export { prometheusReporter } from './prometheus-reporter.js';
export type { PrometheusReporter, PrometheusReporterOptions } from './prometheus-reporter.js';
export { metricsHandler } from './metrics-handler.js';
export type { MetricsHandler, MetricsHandlerOptions } from './metrics-handler.js';
export type { ReporterStatsSource } from './reporter-health.js';
export {
  DEFAULT_DURATION_BUCKETS,
  DEFAULT_PREFIX,
  DEFAULT_QUEUE_WAIT_BUCKETS,
  METRIC,
  OTHER_KIND,
} from './metric-names.js';
