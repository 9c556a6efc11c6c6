// The SDK of a sinks-overhead OpenTelemetry worker: the same provider and processor as the in-thread
// variant, with a no-op exporter that tells the bench how many spans it received. It also tells the
// bench its thread's id, so that the bench can read the worker's CPU time.
import { BroadcastChannel } from 'node:worker_threads';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { EXPORTED_CHANNEL, threadId } from './otel-worker-channel.js';
import type { WorkerNews } from './otel-worker-channel.js';

const channel = new BroadcastChannel(EXPORTED_CHANNEL);
const tell = (news: WorkerNews): void => channel.postMessage(news);
const thread = threadId();
if (thread !== undefined) tell({ thread });

class CountingExporter implements SpanExporter {
  export(spans: ReadableSpan[], done: (result: { code: number }) => void): void {
    tell({ exported: spans.length });
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
