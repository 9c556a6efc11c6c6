export { OtelReporter, otelReporter, TRACER_NAME, TRACER_VERSION } from './otel-reporter.js';
export type { OtelReporterOptions } from './otel-reporter.js';
export { ATTR, EVENT } from './attributes.js';
export { OtelWorkerReporter, otelWorkerReporter } from './worker/otel-worker-reporter.js';
export type { OtelWorkerReporterOptions } from './worker/otel-worker-reporter.js';
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
