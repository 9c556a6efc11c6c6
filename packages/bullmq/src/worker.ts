import { InvalidArgumentError, TaskManager } from '@headway/core';
import type { Reporter, TaskManagerOptions } from '@headway/core';
import { bullmq } from './bullmq.js';
import type { BullMqOptions } from './bullmq.js';

/**
 * What a worker runs: a function that defines kinds on the manager (`manager.define(...)`, or an
 * MCP server's `registerTool`s through `attachHeadway`), or an object with that function as
 * `register` and the worker's own sinks as `reporters` (metrics, traces).
 */
export type WorkerModule =
  | ((manager: TaskManager) => void | Promise<void>)
  | { register(manager: TaskManager): void | Promise<void>; reporters?: readonly Reporter[] };

export interface WorkerOptions extends Omit<BullMqOptions, 'work'> {
  /** The kinds this worker runs. */
  tasks: WorkerModule;
  /** Sinks of this worker (they see the events of the tasks that run here). */
  reporters?: readonly Reporter[];
  /** Other manager options (progress, resources, executor, retry…). */
  manager?: Omit<TaskManagerOptions, 'store' | 'scheduler' | 'relay' | 'concurrency' | 'kindConcurrency' | 'reporters'>;
}

/** A started `TaskManager` that takes BullMQ jobs of the kinds `tasks` defines and runs them. */
export async function createWorker(options: WorkerOptions): Promise<TaskManager> {
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('options', options, 'an object with tasks');
  const { tasks, reporters = [], manager: managerOptions = {}, ...rest } = options;
  const register = typeof tasks === 'function' ? tasks : tasks?.register;
  if (typeof register !== 'function') throw new InvalidArgumentError('tasks', tasks, 'a function (manager) => void that defines kinds, or { register, reporters }');
  const moduleReporters = typeof tasks === 'function' ? [] : (tasks.reporters ?? []);
  const manager = new TaskManager({ ...managerOptions, ...bullmq({ ...rest, work: true }), reporters: [...reporters, ...moduleReporters] });
  try {
    await register.call(tasks, manager);
    await manager.start();
  } catch (error) {
    await manager.shutdown({ mode: 'abort', timeoutMs: 5_000 }).catch(() => undefined);
    throw error;
  }
  return manager;
}

export interface RunWorkerOptions extends WorkerOptions {
  /** How long a SIGTERM or SIGINT lets running tasks finish before they go back to the queue. Default 30 000 ms. */
  shutdownTimeoutMs?: number;
  /** Where to say what happens. Default `console.log`. */
  log?: (line: string) => void;
}

/**
 * `createWorker`, then a drain on SIGTERM or SIGINT (running tasks finish or, at the timeout, go
 * back to the queue for another worker) and exit. For a worker process's main module.
 */
export async function runWorker(options: RunWorkerOptions): Promise<TaskManager> {
  const log = options.log ?? ((line: string) => console.log(line));
  const manager = await createWorker(options);
  const timeoutMs = options.shutdownTimeoutMs ?? 30_000;
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`headway worker ${process.pid}: ${signal}, draining (up to ${timeoutMs} ms)`);
    manager.shutdown({ mode: 'drain', timeoutMs }).then(
      () => process.exit(0),
      (error: unknown) => {
        log(`headway worker ${process.pid}: shutdown failed: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  return manager;
}
