// Sinks are made by their factory functions (`otelReporter`, `otelWorkerReporter`); the classes are types.
export { otelReporter, TRACER_NAME, TRACER_VERSION } from './otel-reporter.js';
export type { OtelReporter, OtelReporterOptions } from './otel-reporter.js';
export { ATTR, EVENT } from './attributes.js';
export { otelWorkerReporter } from './worker/otel-worker-reporter.js';
export type { OtelWorkerReporter, OtelWorkerReporterOptions } from './worker/otel-worker-reporter.js';
export {
  TRACEPARENT_KEY,
  TRACESTATE_KEY,
  extractTraceContext,
  formatTraceparent,
  injectTraceContext,
  parseTraceparent,
  traceContextFromMeta,
  traceContextMetadata,
} from './trace-context.js';
export type { TraceContextCarrier } from './trace-context.js';
