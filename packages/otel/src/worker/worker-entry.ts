// The worker of `otelWorkerReporter`: imports the user's setup module (their SDK, exporter and
// sampler), then feeds the events it receives to an ordinary OtelReporter.
import { parentPort, workerData } from 'node:worker_threads';
import { ProxyTracerProvider, trace } from '@opentelemetry/api';
import type { TracerProvider } from '@opentelemetry/api';
import { OtelReporter } from '../otel-reporter.js';
import { decodeEvents } from './event-codec.js';
import type { FromWorker, ToWorker, WorkerData } from './messages.js';

interface SetupModule {
  default?: unknown;
  tracerProvider?: unknown;
  shutdown?: () => unknown;
}

const port = parentPort!;
const post = (message: FromWorker): void => port.postMessage(message);
const { setup, options } = workerData as WorkerData;

let module: SetupModule | undefined;
try {
  module = (await import(setup)) as SetupModule;
  const reporter = new OtelReporter({ ...options, tracerProvider: providerOf(module) });
  let reportedEventError = false;
  port.on('message', (message: ToWorker) => {
    if (message.type === 'events') {
      // Like the hub in-thread: one bad event neither stops the others nor the worker.
      try {
        const events = decodeEvents(message.batch);
        const buffer = message.batch.numbers.buffer;
        port.postMessage({ type: 'buffer', buffer } satisfies FromWorker, [buffer]);
        for (const event of events) {
          try {
            reporter.onEvent(event);
          } catch (error) {
            if (!reportedEventError) post({ type: 'event-error', error: describe(error) });
            reportedEventError = true;
          }
        }
      } catch (error) {
        post({ type: 'event-error', error: describe(error) });
      }
      return;
    }
    const id = message.id;
    const work = async (): Promise<void> => {
      if (message.type === 'close') reporter.close();
      await reporter.flush();
      if (message.type === 'close') await module?.shutdown?.();
    };
    work().then(
      () => post({ type: 'done', id }),
      (error: unknown) => post({ type: 'done', id, error: describe(error) }),
    );
  });
  post({ type: 'ready' });
} catch (error) {
  // What the module started (an SDK, its exporter's connections) is stopped before the failure is told.
  let cleanup = '';
  try {
    if (typeof module?.shutdown === 'function') await module.shutdown();
  } catch (shutdownError) {
    cleanup = `; its shutdown() failed too: ${describe(shutdownError)}`;
  }
  post({ type: 'failed', error: `setup module ${setup} failed: ${describe(error)}${cleanup}` });
}

/**
 * The provider the setup module exports (`tracerProvider` or default), else the global one it
 * registered (e.g. `new NodeSDK(...).start()`), unwrapped so that flushing reaches the SDK. A module
 * that did neither is refused: its spans would go nowhere, silently.
 */
function providerOf(module: SetupModule): TracerProvider {
  for (const candidate of [module.tracerProvider, module.default]) {
    if (typeof (candidate as TracerProvider | undefined)?.getTracer === 'function') return candidate as TracerProvider;
  }
  const global = trace.getTracerProvider() as TracerProvider & { getDelegate?: () => TracerProvider };
  const provider = global.getDelegate?.() ?? global;
  // A proxy with no delegate answers with the API's no-op provider, the one a fresh proxy returns.
  if (provider === new ProxyTracerProvider().getDelegate()) {
    throw new Error('it exports no TracerProvider (as tracerProvider or default) and registered no global one');
  }
  return provider;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
