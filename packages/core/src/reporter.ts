import type { TaskEvent, TaskEventType } from './events.js';

/**
 * A sink: receives the events (of every type, or of those named in `eventTypes`) of the tasks it is
 * attached to.
 *
 * Where it is given decides which tasks: to the manager (`new TaskManager({ reporters })`), every
 * task's events made in this process; to a kind (`define(kind, fn, { reporters })`), those of that
 * kind's tasks; to one task (`create({ reporters })`, `watch`), that task's, wherever it runs. A sink
 * given to the manager or a kind and also to a task gets that task's events once, through the task's
 * reporter only: for that task, the reporter attached to it (the same object, or one that `wraps`
 * the sink) takes the place of the other. So a wrapper attached to a task decides what the sink sees
 * of it; one that takes no event types (`eventTypes: []`) keeps the task from it.
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
  /**
   * Set by a reporter that delivers to another one (to keep it open, or change what reaches it):
   * the sink it wraps. Which of a task's reporters take the place of the manager's and the kind's
   * (see above) is decided by sink. Read when the reporter is added.
   */
  readonly wraps?: Reporter;
  onEvent(event: TaskEvent): void | Promise<void>;
  /** Called by `hub.flush()` after the queued events were delivered. */
  flush?(): void | Promise<void>;
  /**
   * Called once when the manager shuts down (the manager's and kinds' reporters) or the task ends
   * (a task's own; one that is also the manager's or a kind's, the same object, waits for shutdown).
   */
  close?(): void | Promise<void>;
}
