// @headway/core/spi: the seams, for writers of stores, schedulers, executors, relays and sinks.
export type { MaybePromise } from './maybe-promise.js';
export { isPromiseLike } from './maybe-promise.js';

export type { CreateOptions, ListPage, ListQuery, OwnerScope, TaskStore, UpdateOptions, UpdateResult } from './store/task-store.js';
export { activeLimitError } from './store/task-store.js';
export { MemoryTaskStore } from './store/memory-store.js';
export { PackedBatch, PackedRecord, recordJson } from './store/packed-record.js';
export type { IndexedRecord } from './store/packed-record.js';
export { checkPageSize, decodeCursor, encodeCursor, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './store/cursor.js';
export { ACTIVE_STATUSES, TERMINAL_STATUSES, toErrorInfo } from './task-record.js';
export type { ActiveStatus, TaskPatch, TaskRecord, TerminalStatus } from './task-record.js';

export type { AttemptOutcome, ReclaimOutcome, RunAttemptOptions, Scheduler, SchedulerHost, SchedulerStats, SubmitOptions } from './scheduler/scheduler.js';
export { InProcessScheduler } from './scheduler/in-process-scheduler.js';
export type { InProcessSchedulerOptions } from './scheduler/in-process-scheduler.js';
export type { EventRelay } from './relay/event-relay.js';

export type { ContextData, Executor, TaskRun } from './executor/executor.js';
export { InProcessExecutor, loadModuleHandler } from './executor/in-process-executor.js';
export { createTaskContext } from './context/task-context.js';
export type { TaskContextSpec } from './context/task-context.js';
export type { ResolvedProgressOptions } from './progress/progress-options.js';
export { resolveProgressOptions } from './progress/progress-options.js';
export type { TaskEventBody } from './events.js';

export { backoffDelay, DEFAULT_RETRY, isRetryable, resolveRetry } from './manager/retry-policy.js';
export type { ResolvedRetryOptions } from './manager/retry-policy.js';
export { terminalEventOf } from './manager/terminal-event.js';

export { newTaskId, isTaskIdShape } from './ids.js';
export { describeValue } from './errors.js';
