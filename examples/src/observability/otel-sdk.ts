// The observability example's OpenTelemetry SDK. Headway's sink only uses @opentelemetry/api; the
// SDK and its exporter are the application's choice:
// - OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) set: OTLP, configured by the
//   standard OTEL_* variables (OTEL_EXPORTER_OTLP_PROTOCOL http/protobuf (default), http/json or grpc;
//   a Collector, Jaeger, Tempo, …);
// - else OTEL_CONSOLE=1: spans printed on stdout;
// - else no SDK: the sink is composed, but spans are not recorded.
import { NodeSDK, tracing } from '@opentelemetry/sdk-node';

export interface OtelChoice {
  sdk: NodeSDK | undefined;
  /** For the startup line. */
  description: string;
}

export function startOtelSdk(serviceName: string, env: NodeJS.ProcessEnv = process.env): OtelChoice {
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT;
  let choice: OtelChoice;
  if (endpoint) {
    // No traceExporter: NodeSDK builds the OTLP exporter from the environment.
    if (!env.OTEL_TRACES_EXPORTER) env.OTEL_TRACES_EXPORTER = 'otlp';
    choice = { sdk: new NodeSDK({ serviceName }), description: `OTLP to ${endpoint} (${env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf'})` };
  } else if (env.OTEL_CONSOLE === '1') {
    choice = { sdk: new NodeSDK({ serviceName, traceExporter: new tracing.ConsoleSpanExporter() }), description: 'console' };
  } else {
    choice = { sdk: undefined, description: 'off (set OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_CONSOLE=1)' };
  }
  choice.sdk?.start();
  return choice;
}
