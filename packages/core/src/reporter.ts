import type { TaskEvent } from './events.js';

/**
 * A sink: receives every event of the tasks it is attached to.
 *
 * Delivery is asynchronous and ordered per reporter. A reporter that throws, rejects or hangs
 * affects neither the task nor other reporters; a slow one receives coalesced progress.
 */
export interface Reporter {
  /** Shown when the reporter misbehaves; defaults to the constructor name. */
  readonly name?: string;
  onEvent(event: TaskEvent): void | Promise<void>;
  /** Called by `hub.flush()` after the queued events were delivered. */
  flush?(): void | Promise<void>;
  /** Called once when the manager shuts down (global reporters) or the task ends (per-task ones). */
  close?(): void | Promise<void>;
}
