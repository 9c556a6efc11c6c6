import type { InputRequest, InputResponse, TaskErrorInfo, TaskStatus } from './task-record.js';

export type LogLevel = 'debug' | 'info' | 'notice' | 'warning' | 'error';
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'notice', 'warning', 'error'];

/** Fields every event carries. */
export interface TaskEventBase {
  readonly taskId: string;
  readonly owner: string;
  readonly kind: string;
  /** Epoch milliseconds. */
  readonly at: number;
  readonly attempt: number;
}

export interface CreatedEvent extends TaskEventBase {
  readonly type: 'created';
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly dependsOn: readonly string[];
  readonly ttlMs: number;
  /** Attempts allowed in all (1 = no retry). */
  readonly maxAttempts: number;
}

export interface StartedEvent extends TaskEventBase {
  readonly type: 'started';
  /** Time spent queued before this attempt started, in ms. */
  readonly queueWaitMs: number;
  /** Set when this attempt resumes from a checkpoint after a restart. */
  readonly resumed?: boolean;
  /**
   * The task's metadata, on the first attempt this process starts of a task it recovered from a
   * durable store: its `created` event went to the sinks of the process that created it, so sinks
   * here learn its metadata (such as trace context) from this event.
   */
  readonly metadata?: Readonly<Record<string, unknown>>;
}

export interface ProgressEvent extends TaskEventBase {
  readonly type: 'progress';
  /** Overall progress 0–100; never decreases within a task. */
  readonly progress: number;
  readonly message?: string;
  /** Name of the innermost open phase, if any. */
  readonly phase?: string;
  /** Percent points per second since the attempt started. */
  readonly rate?: number;
  /** Estimated ms until 100, from `rate` (0 at 100; absent while nothing moved yet). */
  readonly etaMs?: number;
  /** True when this is a keep-alive after a period of silence; `progress` is unchanged. */
  readonly heartbeat?: boolean;
}

export interface PhaseEvent extends TaskEventBase {
  readonly type: 'phase';
  readonly name: string;
  readonly state: 'started' | 'ended';
  /** On `ended`: the phase was left by an error or an abort, and progress stayed where it was. */
  readonly abandoned?: boolean;
  /** Names of the enclosing phases, outermost first, then this one. */
  readonly path: readonly string[];
  readonly progress: number;
  /** The slot this phase occupies in overall percent. */
  readonly from: number;
  readonly to: number;
  readonly total?: number;
}

export interface MilestoneEvent extends TaskEventBase {
  readonly type: 'milestone';
  readonly milestone: number;
  readonly progress: number;
}

export interface LogEvent extends TaskEventBase {
  readonly type: 'log';
  readonly level: LogLevel;
  readonly message: string;
  readonly data?: unknown;
  readonly logger?: string;
}

export interface ResourceUsage {
  /** CPU time in ms since the attempt started. */
  readonly cpuUserMs: number;
  readonly cpuSystemMs: number;
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  /** Event-loop utilisation 0–1 over the attempt. */
  readonly eventLoopUtilization: number;
  readonly wallMs: number;
  /**
   * True when other tasks ran in the same thread during the attempt, so CPU, memory and
   * event-loop figures are the thread's, not the task's alone. False when exact (own worker thread).
   */
  readonly shared: boolean;
}

export interface ResourcesEvent extends TaskEventBase, ResourceUsage {
  readonly type: 'resources';
  readonly sample: 'start' | 'running' | 'end';
}

export interface CheckpointEvent extends TaskEventBase {
  readonly type: 'checkpoint';
  readonly state: unknown;
}

export interface StatusEvent extends TaskEventBase {
  readonly type: 'status';
  readonly status: TaskStatus;
  readonly message?: string;
}

/** A task asked a question (`ctx.elicit`), got its answer, or stopped waiting. */
export interface InputEvent extends TaskEventBase {
  readonly type: 'input';
  readonly state: 'requested' | 'answered' | 'withdrawn';
  readonly request: InputRequest;
  /** With `answered`. */
  readonly response?: InputResponse;
}

export interface RetryingEvent extends TaskEventBase {
  readonly type: 'retrying';
  readonly error: TaskErrorInfo;
  readonly delayMs: number;
  /** The attempt that will run next. */
  readonly nextAttempt: number;
  /** Progress (0–100) the failed attempt had reached. */
  readonly progress: number;
}

export interface CompletedEvent extends TaskEventBase {
  readonly type: 'completed';
  readonly result: unknown;
  readonly durationMs: number;
}

export interface FailedEvent extends TaskEventBase {
  readonly type: 'failed';
  readonly error: TaskErrorInfo;
  readonly durationMs: number;
  /** Progress (0–100) the task had reached. */
  readonly progress: number;
}

export interface CancelledEvent extends TaskEventBase {
  readonly type: 'cancelled';
  readonly reason: string;
  readonly durationMs: number;
  /** Progress (0–100) the task had reached. */
  readonly progress: number;
}

/** Everything that happens to a task, as delivered to reporters. */
export type TaskEvent =
  | CreatedEvent
  | StartedEvent
  | ProgressEvent
  | PhaseEvent
  | MilestoneEvent
  | LogEvent
  | ResourcesEvent
  | CheckpointEvent
  | StatusEvent
  | InputEvent
  | RetryingEvent
  | CompletedEvent
  | FailedEvent
  | CancelledEvent;

export type TaskEventType = TaskEvent['type'];

/** Every event type, in the order a task usually meets them. */
export const TASK_EVENT_TYPES: readonly TaskEventType[] = Object.freeze([
  'created',
  'status',
  'started',
  'progress',
  'phase',
  'milestone',
  'log',
  'resources',
  'checkpoint',
  'input',
  'retrying',
  'completed',
  'failed',
  'cancelled',
]);
export type TerminalEvent = CompletedEvent | FailedEvent | CancelledEvent;

export function isTerminalEvent(event: TaskEvent): event is TerminalEvent {
  return event.type === 'completed' || event.type === 'failed' || event.type === 'cancelled';
}

/** An event before the manager stamps it with the task's identity. */
export type TaskEventBody<E extends TaskEvent = TaskEvent> = E extends TaskEvent
  ? Omit<E, keyof TaskEventBase>
  : never;
