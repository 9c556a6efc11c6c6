// @headway/core: the API for servers that run long tasks. Writers of stores, schedulers,
// executors and relays find their seams in `@headway/core/spi`; the seed brief's names are in
// `@headway/core/compat`; conformance kits in `@headway/core/testing`.
export { TaskManager } from './manager/task-manager.js';
export type { ManagerStats } from './manager/task-manager.js';
export { TaskHandle } from './manager/task-handle.js';
export type { CreateTaskOptions, OwnerOption, TaskDefinitionOptions, TaskHandler, TaskManagerOptions } from './manager/manager-options.js';
export type { RetryOptions } from './manager/retry-policy.js';
export type { ProgressOptions } from './progress/progress-options.js';
export type { EventHubOptions, ChannelStats } from './hub/event-hub.js';

export type { TaskContext, TaskFunction, TaskLogger } from './context/task-context.js';
export type { ElicitRequest, ElicitResult } from './context/elicit.js';
export type { Phase, PhaseOptions, PlannedPhase, Progress, ProgressScope } from './progress/progress.js';

export type { Reporter } from './reporter.js';
export { isTerminalEvent, LOG_LEVELS, TASK_EVENT_TYPES } from './events.js';
export type {
  CancelledEvent,
  CheckpointEvent,
  CompletedEvent,
  CreatedEvent,
  FailedEvent,
  InputEvent,
  LogEvent,
  LogLevel,
  MilestoneEvent,
  PhaseEvent,
  ProgressEvent,
  ResourceUsage,
  ResourcesEvent,
  RetryingEvent,
  StartedEvent,
  StatusEvent,
  TaskEvent,
  TaskEventBase,
  TaskEventType,
  TerminalEvent,
} from './events.js';
export { lifecycleLine } from './lifecycle-log.js';
export type { LifecycleLine } from './lifecycle-log.js';

export { ANY_OWNER } from './store/task-store.js';
export type { ListPage, ListQuery, OwnerScope } from './store/task-store.js';
export { isTerminal, TASK_STATUSES } from './task-record.js';
export type { InputRequest, InputResponse, TaskErrorInfo, TaskSnapshot, TaskStatus } from './task-record.js';

export {
  DependencyFailedError,
  HeadwayError,
  InputTimeoutError,
  InputUnavailableError,
  InterruptedError,
  InvalidArgumentError,
  NonRetryableError,
  ShutdownError,
  StoreWriteError,
  TaskCancelledError,
  TaskFailedError,
  TaskLimitError,
  TaskNotFoundError,
  TaskResultError,
  TaskTimeoutError,
  UnknownKindError,
} from './errors.js';
export type { HeadwayErrorCode } from './errors.js';

export { WorkerThreadExecutor } from './worker/worker-thread-executor.js';
export type { WorkerThreadExecutorOptions } from './worker/worker-thread-executor.js';
export type { ModuleHandler } from './executor/executor.js';
