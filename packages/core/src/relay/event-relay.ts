import type { MaybePromise } from '../maybe-promise.js';
import type { TaskEvent } from '../events.js';

/**
 * Carries task events between processes that share a store: the events of a task running on a
 * worker reach the server holding its inline request, its watchers and fleet-wide sinks.
 *
 * Relayed events reach the reporters attached to their task and the global reporters that set
 * `remote: true`; other global reporters (metrics, traces) see only the events made in their own
 * process, so each event is counted once across the fleet.
 */
export interface EventRelay {
  /** Called once by the manager: events made in other processes go to `deliver`, in order per task. */
  open(deliver: (event: TaskEvent) => void): MaybePromise<void>;
  /** An event made in this process, for the others. Must not block; may coalesce progress. */
  publish(event: TaskEvent): void;
  /** This process wants the events of `taskId` (a watcher, a waiter, an inline request), until `unfollow`. */
  follow(taskId: string): void;
  unfollow(taskId: string): void;
  /** This process wants the events of every task (a fleet-wide dashboard). */
  followAll(): void;
  close(): MaybePromise<void>;
}
