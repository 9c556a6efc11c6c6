import { createTaskContext } from '../context.js';
import type { TaskContext, TaskContextSpec } from '../context.js';
import type { ResourceUsage, TaskEventBody } from '../events.js';
import type { TaskRun } from '../executor/executor.js';
import type { ResolvedProgressOptions } from '../progress/progress-options.js';
import { attemptSignal } from './active-task.js';
import type { ActiveTask } from './active-task.js';

/** The manager's side of an attempt: where its events, checkpoints and status changes go. */
export interface AttemptHost {
  report(task: ActiveTask, token: number, body: TaskEventBody): void;
  saveCheckpoint(task: ActiveTask, token: number, signal: AbortSignal, state: unknown): Promise<void>;
  setStatus(task: ActiveTask, token: number, status: 'input_required' | 'working', message?: string): void;
}

const NO_RESULTS: Readonly<Record<string, unknown>> = Object.freeze({});

/**
 * One attempt of one task: what an executor is handed (`TaskRun`) and, for in-process runs,
 * the spec its context is built from. One object per attempt keeps the hot path allocation-light.
 */
export class AttemptRun implements TaskRun, TaskContextSpec {
  readonly record: ActiveTask['record'];
  readonly taskId: string;
  readonly owner: string;
  readonly kind: string;
  readonly attempt: number;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly resumeFrom: unknown;
  readonly dependencies: Readonly<Record<string, unknown>>;
  // A retry or a resumed attempt starts where the task stood, so progress never goes back.
  readonly startProgress: number;

  constructor(
    private readonly host: AttemptHost,
    private readonly task: ActiveTask,
    private readonly token: number,
    readonly progressOptions: ResolvedProgressOptions,
  ) {
    const record = task.record;
    this.record = record;
    this.taskId = task.id;
    this.owner = task.owner;
    this.kind = task.kind;
    this.attempt = record.attempt;
    this.metadata = record.metadata;
    this.resumeFrom = record.checkpoint;
    this.dependencies = task.dependencyResults ?? NO_RESULTS;
    this.startProgress = Math.max(record.progress, task.progress);
  }

  get signal(): AbortSignal {
    return attemptSignal(this.task);
  }

  get fn(): TaskRun['fn'] {
    return this.task.fn;
  }

  get handler(): TaskRun['handler'] {
    return this.task.handler;
  }

  /** Plain data for executors that build the context elsewhere (another thread or process). */
  get contextSpec(): TaskRun['contextSpec'] {
    const { taskId, owner, kind, attempt, metadata, resumeFrom, dependencies, progressOptions, startProgress } = this;
    return { taskId, owner, kind, attempt, metadata, resumeFrom, dependencies, progressOptions, startProgress };
  }

  createContext(): TaskContext {
    const ctx = createTaskContext(this);
    this.task.context = ctx;
    return ctx;
  }

  emit(body: TaskEventBody): void {
    this.host.report(this.task, this.token, body);
  }

  report(body: TaskEventBody): void {
    this.host.report(this.task, this.token, body);
  }

  saveCheckpoint(state: unknown): Promise<void> {
    return this.host.saveCheckpoint(this.task, this.token, this.signal, state);
  }

  setStatus(status: 'input_required' | 'working', message?: string): void {
    this.host.setStatus(this.task, this.token, status, message);
  }

  reportResources(usage: ResourceUsage, sample: 'start' | 'running' | 'end'): void {
    this.host.report(this.task, this.token, { type: 'resources', sample, ...usage });
  }
}
