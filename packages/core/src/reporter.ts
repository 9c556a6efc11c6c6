import type { TaskEvent, TaskEventType } from './events.js';

/**
 * A sink: receives the events (of every type, or of those named in `eventTypes`) of the tasks it is
 * attached to.
 *
 * Delivery is asynchronous and ordered per reporter. A reporter that throws, rejects or hangs
 * affects neither the task nor other reporters; a slow one receives coalesced progress.
 */
export interface Reporter {
  /** Shown when the reporter misbehaves; defaults to the constructor name. */
  readonly name?: string;
  /**
   * The event types this reporter handles; others are never queued for it, which saves the hub
   * the work of delivering what the reporter would ignore. Read when the reporter is added (a frozen
   * array once per array). Default: every type.
   */
  readonly eventTypes?: readonly TaskEventType[];
  /**
   * For a reporter given to the manager (not to one task): also receive events made in other
   * processes and relayed here (a fleet-wide dashboard). Leave it unset for sinks that count or
   * trace: each process's own sinks see the events made there, so each event is counted once.
   */
  readonly remote?: boolean;
  onEvent(event: TaskEvent): void | Promise<void>;
  /** Called by `hub.flush()` after the queued events were delivered. */
  flush?(): void | Promise<void>;
  /** Called once when the manager shuts down (global reporters) or the task ends (per-task ones). */
  close?(): void | Promise<void>;
}
