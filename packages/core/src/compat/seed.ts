import type { TaskFunction } from '../context/task-context.js';
import { InvalidArgumentError } from '../errors.js';
import type { Reporter } from '../reporter.js';
import type { CreateTaskOptions, TaskManagerOptions } from '../manager/manager-options.js';
import type { TaskHandle } from '../manager/task-handle.js';
import { TaskManager } from '../manager/task-manager.js';
import { checkNonEmptyString } from '../validate.js';

/**
 * The seed brief's API, kept as a thin layer over `TaskManager` so code written against it
 * ports line for line. New code should call the manager directly (see the migration table).
 */

/** The seed's task kinds. Any string is a valid kind; these are the ones the brief names. */
export const TaskType = Object.freeze({
  EXPORT: 'export',
  IMPORT: 'import',
  CLEANUP: 'cleanup',
  MIGRATION: 'migration',
  SYNC: 'sync',
  BATCH: 'batch',
  ANALYSIS: 'analysis',
} as const);
export type TaskType = (typeof TaskType)[keyof typeof TaskType];

/**
 * What the seed calls "context": anything that can say who owns a task and which sinks follow
 * it. The MCP binding's tool context satisfies it; `undefined` is fine too.
 */
export interface TaskContextSource {
  readonly owner?: string;
  readonly reporters?: readonly Reporter[];
}

/** The seed's `enhanced_task_manager`: a `TaskManager` with `executeTask`. */
export class EnhancedTaskManager extends TaskManager {
  /** The seed's `execute_task(task, fn, **kwargs)`: runs a deferred task with `fn(args, ctx)`. */
  executeTask<I, R>(task: TaskHandle | string, fn: TaskFunction<I, R>, args?: I): Promise<TaskHandle<R>> {
    return this.execute(task, fn, args);
  }

  /** The seed's `create_context_aware_task(type, metadata=…, context=ctx)`. */
  createContextAwareTask(
    type: string,
    options: { metadata?: Record<string, unknown>; context?: TaskContextSource | null; input?: unknown } &
      Pick<CreateTaskOptions, 'ttlMs' | 'timeoutMs' | 'retry' | 'resumable' | 'dependsOn'> = {},
  ): Promise<TaskHandle> {
    checkNonEmptyString('type', type);
    if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('options', options, 'an object');
    const { context, ...rest } = options;
    return this.create({
      ...rest,
      kind: type,
      deferred: true,
      ...(context?.owner !== undefined && { owner: context.owner }),
      ...(context?.reporters !== undefined && { reporters: context.reporters }),
    });
  }
}

let shared: EnhancedTaskManager | undefined;

/** Replaces the process-wide manager behind `taskManager` (call before first use). */
export function configureTaskManager(options: TaskManagerOptions): EnhancedTaskManager {
  if (shared) throw new InvalidArgumentError('configureTaskManager', options, 'a call before the shared manager is first used');
  shared = new EnhancedTaskManager(options);
  return shared;
}

function sharedManager(): EnhancedTaskManager {
  return (shared ??= new EnhancedTaskManager());
}

/**
 * The seed's module-level manager (`task_manager`, aliased to `enhanced_task_manager`): one per
 * process, created on first use. Servers that build their own `TaskManager` should pass it around instead.
 */
export const enhancedTaskManager: EnhancedTaskManager = new Proxy({} as EnhancedTaskManager, {
  get(_target, property) {
    const manager = sharedManager();
    const value = Reflect.get(manager, property, manager) as unknown;
    return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(manager) : value;
  },
});
export const taskManager = enhancedTaskManager;

/** The seed's free function; uses the shared manager unless one is given. */
export function createContextAwareTask(
  type: string,
  options: Parameters<EnhancedTaskManager['createContextAwareTask']>[1] & { manager?: EnhancedTaskManager } = {},
): Promise<TaskHandle> {
  const { manager, ...rest } = options ?? {};
  return (manager ?? sharedManager()).createContextAwareTask(type, rest);
}
