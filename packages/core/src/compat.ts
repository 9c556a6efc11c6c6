// @headway/core/compat: the seed brief's names over the TaskManager, so code written against the
// brief ports line for line. New code uses `@headway/core` directly (see docs/migration.md).
export {
  configureTaskManager,
  createContextAwareTask,
  EnhancedTaskManager,
  enhancedTaskManager,
  taskManager,
  TaskType,
} from './compat/seed.js';
export type { TaskContextSource } from './compat/seed.js';
export { seedContext } from './compat/seed-context.js';
export type { SeedLogOptions, SeedTaskContext } from './compat/seed-context.js';
/** The seed's `ProgressReporter`: the tracker behind `ctx.progress`, usable on its own with an `emit` callback. */
export { ProgressTracker as ProgressReporter } from './progress/progress-tracker.js';
export type { ProgressEventBody } from './progress/progress-tracker.js';
