export { TaskManager } from './manager/task-manager.js';
export type {
  CreateTaskOptions,
  OwnerOption,
  TaskDefinitionOptions,
  TaskHandler,
  TaskManagerOptions,
} from './manager/manager-options.js';
export { TaskHandle } from './manager/task-handle.js';
export { backoffDelay, isRetryable, DEFAULT_RETRY } from './manager/retry-policy.js';
export type { RetryOptions, ResolvedRetryOptions } from './manager/retry-policy.js';

export { createTaskContext } from './context.js';
export type { TaskContext, TaskContextSpec, TaskFunction, TaskLogger } from './context.js';

export { ProgressReporter, Phase } from './progress/progress-reporter.js';
export type { PhaseOptions, PlannedPhase, ProgressEventBody } from './progress/progress-reporter.js';
export { DEFAULT_PROGRESS_OPTIONS, resolveProgressOptions } from './progress/progress-options.js';
export type { ProgressOptions, ResolvedProgressOptions } from './progress/progress-options.js';

export { EventHub } from './hub/event-hub.js';
export type { EventHubOptions, ChannelStats } from './hub/event-hub.js';
export type { Reporter } from './reporter.js';
export { lifecycleLine } from './lifecycle-log.js';
export type { LifecycleLine } from './lifecycle-log.js';

export { MemoryTaskStore } from './store/memory-store.js';
export { ANY_OWNER } from './store/task-store.js';
export type { ListPage, ListQuery, OwnerScope, TaskStore, UpdateResult } from './store/task-store.js';
export { encodeCursor, decodeCursor, checkPageSize, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './store/cursor.js';

export { InProcessExecutor, loadModuleHandler } from './executor/in-process-executor.js';
export type { Executor, ModuleHandler, TaskRun } from './executor/executor.js';
export { WorkerThreadExecutor } from './worker/worker-thread-executor.js';
export type { WorkerThreadExecutorOptions } from './worker/worker-thread-executor.js';

export { isTerminalEvent, LOG_LEVELS, TASK_EVENT_TYPES } from './events.js';
export type {
  CancelledEvent,
  CheckpointEvent,
  CompletedEvent,
  CreatedEvent,
  FailedEvent,
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
  TaskEventBody,
  TaskEventType,
  TerminalEvent,
} from './events.js';

export { ACTIVE_STATUSES, TASK_STATUSES, TERMINAL_STATUSES, isTerminal, toErrorInfo } from './task-record.js';
export type { ActiveStatus, TaskErrorInfo, TaskPatch, TaskRecord, TaskStatus, TerminalStatus } from './task-record.js';

export {
  DependencyFailedError,
  HeadwayError,
  InterruptedError,
  InvalidArgumentError,
  NonRetryableError,
  ShutdownError,
  TaskCancelledError,
  TaskFailedError,
  TaskLimitError,
  TaskNotFoundError,
  TaskResultError,
  TaskTimeoutError,
  describeValue,
} from './errors.js';
export { newTaskId, isTaskIdShape } from './ids.js';

export {
  TaskType,
  EnhancedTaskManager,
  configureTaskManager,
  createContextAwareTask,
  enhancedTaskManager,
  taskManager,
} from './seed.js';
export type { TaskContextSource } from './seed.js';
