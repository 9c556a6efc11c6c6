import type { ElicitRequest } from '../context/elicit.js';
import type { TaskContext, TaskContextSpec, TaskFunction } from '../context/task-context.js';
import type { ResourceUsage, TaskEventBody } from '../events.js';
import type { InputResponse, TaskRecord } from '../task-record.js';

/** A task function loaded from a module, for executors that run work in another thread or process. */
export interface ModuleHandler {
  /** Absolute path or file URL of an ES module. */
  module: string | URL;
  /** Named export holding the task function; default `default`. */
  export?: string;
}

/** What a context built elsewhere (another thread or process) is made from: plain data. */
export type ContextData = Omit<TaskContextSpec, 'emit' | 'saveCheckpoint' | 'setStatus' | 'requestInput' | 'signal' | 'startedAt'>;

/** One attempt of one task, as handed to an executor. */
export interface TaskRun {
  readonly record: Readonly<TaskRecord>;
  /** The in-process function, when the task was defined with one. */
  readonly fn?: TaskFunction;
  /** The module form, when the task was defined with one. */
  readonly handler?: ModuleHandler;
  readonly signal: AbortSignal;
  /** Everything needed to build a context here or elsewhere (minus the callbacks). */
  readonly contextSpec: ContextData;
  /** Builds the context for running in this thread. */
  createContext(): TaskContext;
  /** For executors that run elsewhere: deliver an event produced there (progress, log, status). */
  report(body: TaskEventBody): void;
  /** For executors that run elsewhere: persist a checkpoint made there. */
  saveCheckpoint(state: unknown): Promise<void>;
  /** For executors that run elsewhere: the status the work asked for (input_required ↔ working). */
  setStatus(status: 'input_required' | 'working', message?: string): void;
  /** For executors that run elsewhere: a question the work asks (`ctx.elicit`); resolves with the answer. */
  requestInput(request: ElicitRequest): Promise<InputResponse>;
  /** For executors that measure resources exactly: the figures for this attempt. */
  reportResources(usage: ResourceUsage, sample: 'start' | 'running' | 'end'): void;
}

/** Where an attempt runs within this process. The in-process executor is the default. */
export interface Executor {
  readonly name: string;
  /** True when the executor reports exact resource usage itself (the runner then does not sample). */
  readonly measuresResources?: boolean;
  /** Runs one attempt; resolves with the result or rejects with the task's error. */
  execute(run: TaskRun): Promise<unknown>;
  close?(): Promise<void>;
}
