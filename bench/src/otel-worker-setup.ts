// The SDK of the sinks-overhead bench's OpenTelemetry worker: the same provider and processor as
// the in-thread variant, with a no-op exporter that tells the bench how many spans it received.
import { BroadcastChannel } from 'node:worker_threads';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { EXPORTED_CHANNEL } from './otel-worker-channel.js';


const channel = new BroadcastChannel(EXPORTED_CHANNEL);

class CountingExporter implements SpanExporter {
  export(spans: ReadableSpan[], done: (result: { code: number }) => void): void {
    channel.postMessage(spans.length);
    done({ code: 0 });
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

export const tracerProvider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(new CountingExporter(), { maxQueueSize: 8192 })] });

export async function shutdown(): Promise<void> {
  await tracerProvider.shutdown();
  channel.close();
}
