// The example server's OpenTelemetry SDK when it runs on a worker thread (OTEL_WORKER=1):
// otelWorkerReporter imports this module there. Spans go to the console, as with OTEL_CONSOLE=1;
// put your OTLP exporter here in production.
import { NodeSDK, tracing } from '@opentelemetry/sdk-node';

const sdk = new NodeSDK({ serviceName: 'schema-registry-mcp', traceExporter: new tracing.ConsoleSpanExporter() });
sdk.start();

/** Run by the reporter when the manager shuts down, after the last spans were flushed. */
export function shutdown(): Promise<void> {
  return sdk.shutdown();
}
