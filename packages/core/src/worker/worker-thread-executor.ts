import { Worker } from 'node:worker_threads';
import type { ResourceLimits } from 'node:worker_threads';
import { InvalidArgumentError } from '../errors.js';
import type { Executor, TaskRun } from '../executor/executor.js';
import { toErrorInfo } from '../task-record.js';
import type { InputResponse } from '../task-record.js';
import { checkNonNegative } from '../validate.js';
import { reviveError } from './worker-protocol.js';
import type { FromWorker, ToWorker } from './worker-protocol.js';

export interface WorkerThreadExecutorOptions {
  /** After the signal aborts, how long the task may take to stop before its thread is terminated. Default 1000 ms. */
  terminateGraceMs?: number;
  /** How often the worker reports running resource usage. Default 5000 ms. */
  resourcesIntervalMs?: number;
  /** V8 heap limits for each worker. */
  resourceLimits?: ResourceLimits;
}

/**
 * Runs each attempt in its own worker thread: exact CPU, heap and event-loop figures for the
 * task, and a cancel that terminates work which ignores its signal. Tasks must be defined with a
 * module handler (`{ module, export }`), since functions cannot cross threads; input, result and
 * checkpoints must be structured-cloneable.
 */
export class WorkerThreadExecutor implements Executor {
  readonly name = 'worker-thread';
  readonly measuresResources = true;
  private readonly graceMs: number;
  private readonly intervalMs: number;
  private readonly workers = new Set<Worker>();

  constructor(private readonly options: WorkerThreadExecutorOptions = {}) {
    this.graceMs = checkNonNegative('terminateGraceMs', options.terminateGraceMs ?? 1000);
    this.intervalMs = checkNonNegative('resourcesIntervalMs', options.resourcesIntervalMs ?? 5000);
  }

  execute(run: TaskRun): Promise<unknown> {
    if (!run.handler) {
      return Promise.reject(
        new InvalidArgumentError('handler', run.fn, `a module handler { module, export } for kind "${run.record.kind}" (functions cannot cross into a worker thread)`),
      );
    }
    const handler = { module: run.handler.module instanceof URL ? run.handler.module.href : run.handler.module, export: run.handler.export };
    const worker = new Worker(new URL('./worker-entry.js', import.meta.url), {
      workerData: { handler, input: run.record.input, spec: run.contextSpec, resourcesIntervalMs: this.intervalMs },
      ...(this.options.resourceLimits && { resourceLimits: this.options.resourceLimits }),
    });
    this.workers.add(worker);
    return new Promise<unknown>((resolve, reject) => {
      let settled = false;
      let killTimer: ReturnType<typeof setTimeout> | undefined;
      const end = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(killTimer);
        run.signal.removeEventListener('abort', onAbort);
        this.workers.delete(worker);
        void worker.terminate();
        outcome();
      };
      const send = (message: ToWorker) => worker.postMessage(message);
      const answer = (id: number, work: Promise<InputResponse | undefined>) =>
        work.then(
          (value) => send({ t: 'ack', id, ...(value !== undefined && { value }) }),
          (error: unknown) => send({ t: 'nack', id, error: toErrorInfo(error) }),
        );
      const onAbort = () => {
        send({ t: 'abort', reason: toErrorInfo(run.signal.reason) });
        killTimer = setTimeout(() => end(() => reject(run.signal.reason)), this.graceMs);
      };
      run.signal.addEventListener('abort', onAbort, { once: true });
      worker.on('message', (message: FromWorker) => {
        switch (message.t) {
          case 'event':
            run.report(message.body);
            break;
          case 'status':
            run.setStatus(message.status, message.message);
            break;
          case 'resources':
            run.reportResources(message.usage, message.sample);
            break;
          case 'checkpoint':
            answer(message.id, run.saveCheckpoint(message.state).then(() => undefined));
            break;
          case 'input':
            answer(message.id, run.requestInput(message.request));
            break;
          case 'done':
            end(() => resolve(message.result));
            break;
          case 'error':
            end(() => reject(reviveError(message.error)));
            break;
        }
      });
      worker.on('error', (error) => end(() => reject(error)));
      worker.on('exit', (code) => end(() => reject(new Error(`Task worker thread exited with code ${code}`))));
    });
  }

  async close(): Promise<void> {
    await Promise.all([...this.workers].map((w) => w.terminate()));
    this.workers.clear();
  }
}
