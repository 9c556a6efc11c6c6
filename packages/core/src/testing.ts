// @headway/core/testing: conformance kits (vitest suites) for writers of stores and schedulers.
export { describeTaskStore, sampleRecord } from './testing/describe-task-store.js';
export type { TaskStoreFactory } from './testing/describe-task-store.js';
export { describeScheduler } from './testing/describe-scheduler.js';
export type { SchedulerFactory, SchedulerSetup } from './testing/describe-scheduler.js';
