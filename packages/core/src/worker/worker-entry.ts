// Runs one task attempt inside a worker thread; spoken to by WorkerThreadExecutor.
import { parentPort, workerData } from 'node:worker_threads';
import { createTaskContext } from '../context/task-context.js';
import { loadModuleHandler } from '../executor/in-process-executor.js';
import type { ContextData, ModuleHandler } from '../executor/executor.js';
import type { InputResponse } from '../task-record.js';
import { toErrorInfo } from '../task-record.js';
import { ThreadUsageMeter } from './thread-usage.js';
import { reviveError } from './worker-protocol.js';
import type { FromWorker, ToWorker } from './worker-protocol.js';

interface WorkerInput {
  handler: ModuleHandler;
  input: unknown;
  spec: ContextData;
  resourcesIntervalMs: number;
}

const port = parentPort!;
const { handler, input, spec, resourcesIntervalMs } = workerData as WorkerInput;
const controller = new AbortController();
const pending = new Map<number, { resolve: (value?: InputResponse) => void; reject: (e: Error) => void }>();
let nextId = 0;
const post = (message: FromWorker) => port.postMessage(message);

port.on('message', (message: ToWorker) => {
  if (message.t === 'abort') controller.abort(reviveError(message.reason));
  else {
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    if (message.t === 'ack') waiter?.resolve(message.value);
    else waiter?.reject(reviveError(message.error));
  }
});

/** Posts a request the main thread answers with an ack (carrying a value) or a nack. */
function ask(send: (id: number) => void): Promise<InputResponse | undefined> {
  return new Promise((resolve, reject) => {
    const id = ++nextId;
    pending.set(id, { resolve, reject });
    send(id);
  });
}

const meter = new ThreadUsageMeter();
post({ t: 'resources', usage: meter.sample(), sample: 'start' });
const sampler = setInterval(() => post({ t: 'resources', usage: meter.sample(), sample: 'running' }), resourcesIntervalMs);
sampler.unref();

const ctx = createTaskContext({
  ...spec,
  signal: controller.signal,
  emit: (body) => post({ t: 'event', body }),
  saveCheckpoint: async (state) => {
    await ask((id) => post({ t: 'checkpoint', id, state }));
  },
  requestInput: async (request) => (await ask((id) => post({ t: 'input', id, request })))!,
  setStatus: (status, message) => post({ t: 'status', status, ...(message !== undefined && { message }) }),
});

try {
  const fn = await loadModuleHandler(handler);
  const result = await fn(input, ctx);
  clearInterval(sampler);
  post({ t: 'resources', usage: meter.sample(), sample: 'end' });
  post({ t: 'done', result });
} catch (error) {
  clearInterval(sampler);
  post({ t: 'resources', usage: meter.sample(), sample: 'end' });
  const retryable = (error as { retryable?: unknown } | undefined)?.retryable;
  post({ t: 'error', error: { ...toErrorInfo(error), ...(typeof retryable === 'boolean' && { retryable }) } });
}
