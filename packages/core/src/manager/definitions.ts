import type { TaskFunction } from '../context/task-context.js';
import { InvalidArgumentError } from '../errors.js';
import type { Executor, ModuleHandler } from '../executor/executor.js';
import { checkNonEmptyString, checkPositive } from '../validate.js';
import { checkHandler, checkReporters, checkTimeout, checkTtl } from './manager-options.js';
import type { TaskDefinitionOptions, TaskHandler } from './manager-options.js';
import { resolveRetry } from './retry-policy.js';
import type { ResolvedRetryOptions } from './retry-policy.js';

/** How tasks of one kind run. */
export interface Definition {
  readonly kind: string;
  readonly fn?: TaskFunction;
  readonly handler?: ModuleHandler;
  readonly options: TaskDefinitionOptions;
  /** The kind's retry policy over the manager's, resolved once. */
  readonly retry: ResolvedRetryOptions | undefined;
  readonly executor: Executor | undefined;
}

/** The kinds defined in this process; each is defined once. */
export class Definitions {
  private readonly byKind = new Map<string, Definition>();

  constructor(
    private readonly managerRetry: ResolvedRetryOptions,
    private readonly maxTtlMs: number,
  ) {}

  add(kind: string, handler: TaskHandler, options: TaskDefinitionOptions): Definition {
    checkNonEmptyString('kind', kind);
    checkHandler(handler);
    if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('options', options, 'an object');
    if (options.concurrency !== undefined && options.concurrency !== Infinity) checkPositive('concurrency', options.concurrency);
    checkTimeout('timeoutMs', options.timeoutMs);
    checkTtl(options.ttlMs, this.maxTtlMs);
    const retry = options.retry ? resolveRetry(options.retry, this.managerRetry) : undefined;
    checkReporters('reporters', options.reporters);
    if (this.byKind.has(kind)) throw new InvalidArgumentError('kind', kind, 'a kind not defined yet');
    const definition: Definition =
      typeof handler === 'function'
        ? { kind, fn: handler as TaskFunction, options, retry, executor: options.executor }
        : { kind, handler: handler as ModuleHandler, options, retry, executor: options.executor };
    this.byKind.set(kind, definition);
    return definition;
  }

  get(kind: string): Definition | undefined {
    return this.byKind.get(kind);
  }

  /** The retry policy of a kind: its own, else the manager's. */
  retryOf(kind: string): ResolvedRetryOptions {
    return this.byKind.get(kind)?.retry ?? this.managerRetry;
  }
}
