import { performance } from 'node:perf_hooks';
import type { ElicitRequest } from '../context/elicit.js';
import { createTaskContext } from '../context/task-context.js';
import type { AttemptContext, TaskContextSpec, TaskFunction } from '../context/task-context.js';
import type { ResourceUsage, TaskEventBody } from '../events.js';
import type { Executor, ModuleHandler, TaskRun } from '../executor/executor.js';
import type { ResolvedProgressOptions } from '../progress/progress-options.js';
import type { AttemptOutcome } from '../scheduler/scheduler.js';
import type { InputRequest, InputResponse, TaskRecord } from '../task-record.js';
import type { AttemptMeter } from './resource-meter.js';
import type { ResolvedRetryOptions } from './retry-policy.js';

/** The runner's side of an attempt: where what the attempt does goes. */
export interface AttemptHost {
  report(attempt: Attempt, body: TaskEventBody): void;
  finalProgress(attempt: Attempt): void;
  saveCheckpoint(attempt: Attempt, state: unknown): Promise<void>;
  setStatus(attempt: Attempt, status: 'input_required' | 'working', message?: string): void;
  requestInput(attempt: Attempt, request: ElicitRequest): Promise<InputResponse>;
}

/** An input request the attempt waits on. */
export interface PendingInput {
  readonly request: InputRequest;
  resolve(response: InputResponse): void;
  reject(error: unknown): void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

const NO_RESULTS: Readonly<Record<string, unknown>> = Object.freeze({});
const UNBOUND = Object.freeze({}) as TaskRecord;

/**
 * One attempt of one task in this process: what an executor is handed (`TaskRun`), the spec its
 * context is built from, and the runner's working state. One object per attempt keeps the hot
 * path allocation-light. Once `settled`, whatever the work still does is ignored.
 */
export class Attempt implements TaskRun, TaskContextSpec {
  // Filled by `bind` once the task is `working`; present from the start so every attempt has one shape.
  record: TaskRecord = UNBOUND;
  owner = '';
  kind = '';
  attempt = 0;
  metadata: Readonly<Record<string, unknown>> = NO_RESULTS;
  resumeFrom: unknown = undefined;
  dependencies: Readonly<Record<string, unknown>> = NO_RESULTS;
  /** A retry or a resumed attempt starts where the task stood, so progress never goes back. */
  startProgress = 0;
  startedAt = 0;
  fn: TaskFunction | undefined = undefined;
  handler: ModuleHandler | undefined = undefined;
  executor!: Executor;
  settled = false;
  /** Lets the final progress of a settled attempt through. */
  finishing = false;
  abortReason: unknown = undefined;
  controller: AbortController | undefined = undefined;
  timer: ReturnType<typeof setTimeout> | undefined = undefined;
  context: AttemptContext | undefined = undefined;
  meter: AttemptMeter | undefined = undefined;
  pendingInput: PendingInput | undefined = undefined;
  lastEventAt = performance.now();
  lastResourcesAt = 0;
  /** Latest delivered progress and message. */
  progress = 0;
  statusMessage: string | undefined = undefined;
  readonly outcome: Promise<AttemptOutcome>;
  resolveOutcome!: (outcome: AttemptOutcome) => void;

  constructor(
    private readonly host: AttemptHost,
    readonly taskId: string,
    readonly retry: ResolvedRetryOptions,
    readonly progressOptions: ResolvedProgressOptions,
  ) {
    this.outcome = new Promise((resolve) => (this.resolveOutcome = resolve));
  }

  /** The task is `working` for this attempt: its record is known. */
  bind(record: TaskRecord): void {
    this.record = record;
    this.owner = record.owner;
    this.kind = record.kind;
    this.attempt = record.attempt;
    this.metadata = record.metadata;
    this.resumeFrom = record.checkpoint;
    this.startProgress = this.progress = record.progress;
    this.statusMessage = record.statusMessage;
    this.startedAt = this.lastEventAt = performance.now();
  }

  get bound(): boolean {
    return this.record !== UNBOUND;
  }

  /** The attempt's signal, created on first use (already aborted if the attempt was). */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.abortReason !== undefined) this.controller.abort(this.abortReason);
    }
    return this.controller.signal;
  }

  abort(reason: unknown): void {
    this.abortReason = reason;
    this.controller?.abort(reason);
  }

  /** Plain data for executors that build the context elsewhere (another thread or process). */
  get contextSpec(): TaskRun['contextSpec'] {
    const { taskId, owner, kind, attempt, metadata, resumeFrom, dependencies, progressOptions, startProgress } = this;
    return { taskId, owner, kind, attempt, metadata, resumeFrom, dependencies, progressOptions, startProgress };
  }

  createContext(): AttemptContext {
    return (this.context = createTaskContext(this));
  }

  /** Where the task got to: the value reached (maybe not delivered yet), else the last delivered. */
  get reached(): number {
    const tracked = this.context?.usedProgress?.value;
    return tracked !== undefined && tracked > this.progress ? tracked : this.progress;
  }

  emit(body: TaskEventBody): void {
    this.host.report(this, body);
  }

  report(body: TaskEventBody): void {
    this.host.report(this, body);
  }

  saveCheckpoint(state: unknown): Promise<void> {
    return this.host.saveCheckpoint(this, state);
  }

  setStatus(status: 'input_required' | 'working', message?: string): void {
    this.host.setStatus(this, status, message);
  }

  requestInput(request: ElicitRequest): Promise<InputResponse> {
    return this.host.requestInput(this, request);
  }

  reportResources(usage: ResourceUsage, sample: 'start' | 'running' | 'end'): void {
    this.host.report(this, { type: 'resources', sample, ...usage });
  }

  /** The task is stored as completed: its delivered progress ends at 100 before `completed` is announced. */
  beforeCompleted(): void {
    this.host.finalProgress(this);
  }
}
