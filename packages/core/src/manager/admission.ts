import type { TaskFunction } from '../context/task-context.js';
import { InvalidArgumentError, UnknownKindError } from '../errors.js';
import { newTaskId } from '../ids.js';
import { isPromiseLike } from '../maybe-promise.js';
import type { MaybePromise } from '../maybe-promise.js';
import type { Reporter } from '../reporter.js';
import { ANY_OWNER } from '../store/task-store.js';
import type { TaskStore } from '../store/task-store.js';
import type { TaskRecord } from '../task-record.js';
import { checkBoolean, checkKnownKeys, checkNonEmptyString, checkPlainObject } from '../validate.js';
import type { Definitions } from './definitions.js';
import { checkReporters, checkTimeout, checkTtl } from './manager-options.js';
import type { CreateTaskOptions } from './manager-options.js';
import { resolveRetry } from './retry-policy.js';
import type { ResolvedRetryOptions } from './retry-policy.js';

const MAX_DEPENDENCIES = 1000;
// A record keyed by every option, so adding one to CreateTaskOptions without listing it here fails to compile.
const CREATE_OPTION_KEYS: Record<keyof CreateTaskOptions, true> = {
  kind: true, input: true, owner: true, fn: true, metadata: true, ttlMs: true, timeoutMs: true, retry: true, resumable: true,
  dependsOn: true, runOnDependencyFailure: true, reporters: true, awaitDefinition: true, deferred: true,
};
const CREATE_KEYS = Object.keys(CREATE_OPTION_KEYS);
const NO_DEPENDENCIES: readonly string[] = Object.freeze([]);

/** A create request that passed validation. */
export interface CreateSpec {
  readonly kind: string;
  readonly owner: string;
  readonly input: unknown;
  readonly metadata: Record<string, unknown>;
  readonly dependsOn: readonly string[];
  readonly fn: TaskFunction | undefined;
  readonly reporters: readonly Reporter[] | undefined;
  readonly deferred: boolean;
  readonly awaitDefinition: boolean;
  readonly options: CreateTaskOptions;
}

export interface AdmissionLimits {
  readonly maxTtlMs: number;
  readonly defaultTtlMs: number;
  readonly maxActivePerOwner: number;
  readonly defaultTimeoutMs: number | undefined;
}

/**
 * Decides whether a task may be created, and builds its first record. The owner's cap is the
 * store's to check, in the create itself (`CreateOptions.maxActive`): one step, whatever else
 * creates at the same time.
 */
export class Admission {
  constructor(
    private readonly store: TaskStore,
    private readonly definitions: Definitions,
    private readonly limits: AdmissionLimits,
    /** Whether a task of this kind can be created without a function here (a remote scheduler runs it). */
    private readonly kindRunsElsewhere: boolean,
  ) {}

  /** Validates a create request; throws `InvalidArgumentError` naming what is wrong. */
  check(options: CreateTaskOptions, owner: string): CreateSpec {
    checkPlainObject('create options', options);
    checkKnownKeys('create options', options as unknown as Record<string, unknown>, CREATE_KEYS);
    const kind = checkNonEmptyString('kind', options.kind);
    const metadata = options.metadata === undefined ? {} : checkPlainObject('metadata', options.metadata);
    if (options.fn !== undefined && typeof options.fn !== 'function') {
      throw new InvalidArgumentError('fn', options.fn, 'a task function (input, ctx) => result');
    }
    checkTtl(options.ttlMs, this.limits.maxTtlMs);
    checkTimeout('timeoutMs', options.timeoutMs);
    if (options.retry !== undefined) resolveRetry(options.retry);
    if (options.resumable !== undefined) checkBoolean('resumable', options.resumable);
    if (options.runOnDependencyFailure !== undefined) checkBoolean('runOnDependencyFailure', options.runOnDependencyFailure);
    if (options.deferred !== undefined) checkBoolean('deferred', options.deferred);
    if (options.awaitDefinition !== undefined) checkBoolean('awaitDefinition', options.awaitDefinition);
    checkReporters('reporters', options.reporters);
    // A function cannot travel to a worker: with a remote scheduler a task runs the definition of its
    // kind where it runs. A one-off `fn` is accepted only for a kind defined here too (so it is that
    // kind's function, as @headway/mcp passes for its tools), and not carried.
    if (options.fn && this.kindRunsElsewhere && !this.definitions.get(kind)) {
      throw new InvalidArgumentError('fn', options.fn, 'no one-off function: this manager runs tasks on remote workers, so define the kind there');
    }
    const dependsOn = checkDependsOn(options.dependsOn);
    const deferred = options.deferred ?? false;
    const awaitDefinition = options.awaitDefinition ?? false;
    if (!options.fn && !deferred && !awaitDefinition && !this.kindRunsElsewhere && !this.definitions.get(kind)) {
      throw new UnknownKindError(kind);
    }
    return {
      kind,
      owner,
      metadata,
      input: options.input,
      dependsOn,
      fn: this.kindRunsElsewhere ? undefined : (options.fn as TaskFunction | undefined),
      reporters: options.reporters,
      deferred,
      awaitDefinition,
      options,
    };
  }

  /** The owner's cap, for the store's create. */
  get maxActive(): number {
    return this.limits.maxActivePerOwner;
  }

  /** Checks the dependencies and builds the record; answers at once when the store does. */
  admit(spec: CreateSpec): MaybePromise<TaskRecord> {
    // Asked before the dependencies are read: a seq left unused when the task is refused is a harmless gap.
    const next = this.store.nextSeq();
    if (isPromiseLike(next) || spec.dependsOn.length > 0) return this.admitLater(spec, next);
    return this.build(spec, next);
  }

  /** The retry policy a new task of this spec runs with. */
  retryOf(spec: CreateSpec): ResolvedRetryOptions {
    return resolveRetry(spec.options.retry, this.definitions.retryOf(spec.kind));
  }

  private async admitLater(spec: CreateSpec, next: MaybePromise<number>): Promise<TaskRecord> {
    try {
      if (spec.dependsOn.length > 0) await this.checkDependencies(spec.dependsOn, spec.owner);
    } catch (error) {
      if (isPromiseLike(next)) next.then(undefined, () => undefined);
      throw error;
    }
    return this.build(spec, await next);
  }

  private build(spec: CreateSpec, seq: number): TaskRecord {
    const owner = spec.owner;
    const definition = this.definitions.get(spec.kind);
    const options = spec.options;
    const maxAttempts = options.retry?.maxAttempts ?? this.definitions.retryOf(spec.kind).maxAttempts;
    // Every field present, in one order: records share one hidden class, so copies are cheap.
    const record: TaskRecord = {
      id: newTaskId(),
      owner,
      kind: spec.kind,
      seq,
      status: 'queued',
      input: spec.input,
      metadata: spec.metadata,
      progress: 0,
      statusMessage: undefined,
      result: undefined,
      error: undefined,
      attempt: 1,
      maxAttempts,
      createdAt: Date.now(),
      startedAt: undefined,
      finishedAt: undefined,
      ttlMs: options.ttlMs ?? definition?.options.ttlMs ?? this.limits.defaultTtlMs,
      expiresAt: undefined,
      timeoutMs: options.timeoutMs ?? definition?.options.timeoutMs ?? this.limits.defaultTimeoutMs,
      dependsOn: spec.dependsOn,
      runOnDependencyFailure: options.runOnDependencyFailure ?? false,
      resumable: options.resumable ?? definition?.options.resumable ?? false,
      checkpoint: undefined,
      nextAttemptAt: undefined,
      inputRequest: undefined,
      inputResponse: undefined,
    };
    return record;
  }

  /** Every dependency exists for this owner, and the graph below them has no cycle. */
  private async checkDependencies(dependsOn: readonly string[], owner: string): Promise<void> {
    const graph = new Map<string, readonly string[]>();
    for (const id of dependsOn) {
      const record = await this.store.get(id, owner);
      if (!record) throw new InvalidArgumentError('dependsOn', id, 'the id of an existing task of the same owner');
      graph.set(id, record.dependsOn);
    }
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = async (id: string, path: string[]): Promise<void> => {
      const seen = state.get(id);
      if (seen === 'done') return;
      if (seen === 'visiting') {
        throw new InvalidArgumentError('dependsOn', dependsOn, `an acyclic graph (cycle: ${[...path, id].join(' -> ')})`);
      }
      state.set(id, 'visiting');
      let next = graph.get(id);
      if (!next) {
        next = (await this.store.get(id, ANY_OWNER))?.dependsOn ?? NO_DEPENDENCIES;
        graph.set(id, next);
      }
      for (const dep of next) await visit(dep, [...path, id]);
      state.set(id, 'done');
    };
    for (const id of dependsOn) await visit(id, []);
  }
}

function checkDependsOn(dependsOn: unknown): readonly string[] {
  if (dependsOn === undefined) return NO_DEPENDENCIES;
  if (!Array.isArray(dependsOn) || dependsOn.length > MAX_DEPENDENCIES) {
    throw new InvalidArgumentError('dependsOn', dependsOn, `an array of at most ${MAX_DEPENDENCIES} task ids`);
  }
  dependsOn.forEach((d, i) => checkNonEmptyString(`dependsOn[${i}]`, d));
  if (new Set(dependsOn).size !== dependsOn.length) {
    throw new InvalidArgumentError('dependsOn', dependsOn, 'task ids without repeats');
  }
  return dependsOn.length > 0 ? Object.freeze([...(dependsOn as string[])]) : NO_DEPENDENCIES;
}
