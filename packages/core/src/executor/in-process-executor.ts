import { InvalidArgumentError } from '../errors.js';
import type { TaskFunction } from '../context/task-context.js';
import type { Executor, ModuleHandler, TaskRun } from './executor.js';

const loaded = new Map<string, Promise<TaskFunction>>();

/** Imports a module handler's function once and caches it. */
export function loadModuleHandler(handler: ModuleHandler): Promise<TaskFunction> {
  const url = handler.module instanceof URL ? handler.module.href : handler.module;
  const exportName = handler.export ?? 'default';
  const key = `${url}#${exportName}`;
  let fn = loaded.get(key);
  if (!fn) {
    fn = import(url).then((mod: Record<string, unknown>) => {
      const value = mod[exportName];
      if (typeof value !== 'function') {
        throw new InvalidArgumentError('handler.export', exportName, `a function exported by ${url}`);
      }
      return value as TaskFunction;
    });
    fn.catch(() => loaded.delete(key));
    loaded.set(key, fn);
  }
  return fn;
}

/** Runs each attempt on this thread's event loop (the default). */
export class InProcessExecutor implements Executor {
  readonly name = 'in-process';

  async execute(run: TaskRun): Promise<unknown> {
    const fn = run.fn ?? (run.handler ? await loadModuleHandler(run.handler) : undefined);
    if (!fn) throw new InvalidArgumentError('task function', undefined, `a function for kind "${run.record.kind}"`);
    return fn(run.record.input, run.createContext());
  }
}
