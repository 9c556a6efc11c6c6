// The sinks that see a tool call's task, on both SDK bindings: the manager's progress memo (status
// lines), the sinks of the attachment's `reporters` option, and the request's own sinks. A call
// attaches them to its task, so they see it wherever it runs (events relayed from a worker too).
// A task recovered after a restart has no call: the tool's kind definition carries the memo and the
// option's sinks for it, and passes them only the tasks this process did not create, so a call's
// task reaches each sink once.
import { isTerminalEvent } from '@headway/core';
import type { Reporter, TaskEvent, TaskEventType, TaskManager } from '@headway/core';
import { progressMemoOf } from './progress-memo.js';

/**
 * The reporters of a call's task: the memo first (a request sink reads its facts), the `reporters`
 * option's sinks (shared by every task, so a task's end does not close them), then `request`'s.
 */
export function callReporters(manager: TaskManager, configured: readonly Reporter[], request: readonly (Reporter | undefined)[]): Reporter[] {
  const reporters: Reporter[] = [progressMemoOf(manager)];
  for (const reporter of configured) reporters.push(keptOpen(reporter));
  for (const reporter of request) if (reporter) reporters.push(reporter);
  return reporters;
}

/** The reporters of a tool's kind definition: the same sinks, for tasks recovered after a restart only. */
export function recoveryReporters(manager: TaskManager, configured: readonly Reporter[]): Reporter[] {
  return [...configured, progressMemoOf(manager)].map((reporter) => new RecoveredTasksOnly(reporter));
}

const keptOpenOf = new WeakMap<Reporter, Reporter>();

function keptOpen(reporter: Reporter): Reporter {
  let kept = keptOpenOf.get(reporter);
  if (!kept) keptOpenOf.set(reporter, (kept = new KeptOpen(reporter)));
  return kept;
}

/** A shared sink attached to one task: everything but `close`, which is its owner's (or the manager's at shutdown). */
class KeptOpen implements Reporter {
  readonly name: string;

  constructor(private readonly reporter: Reporter) {
    this.name = nameOf(reporter);
  }

  get eventTypes(): readonly TaskEventType[] | undefined {
    return this.reporter.eventTypes;
  }

  onEvent(event: TaskEvent): void | Promise<void> {
    return this.reporter.onEvent(event);
  }

  flush(): void | Promise<void> {
    return this.reporter.flush?.();
  }
}

const TRACKED: readonly TaskEventType[] = ['created', 'completed', 'failed', 'cancelled'];

/**
 * Tasks remembered as created here. A task run by a worker elsewhere (BullMQ) ends where it runs,
 * and a kind's sinks do not see that end, so without a bound a server that only creates would
 * remember every task it ever created. Past the bound the oldest are forgotten: a local event of
 * such a task (a cancel from this replica) may then reach the sink twice.
 */
export const MAX_CREATED_HERE = 65_536;

/**
 * A kind definition's sink that skips the tasks created in this process (their calls attached
 * the sink already). It sees only this process's events, as a kind's sinks do.
 */
export class RecoveredTasksOnly implements Reporter {
  readonly name: string;
  readonly eventTypes?: readonly TaskEventType[];
  /** The event types the sink asked for; undefined for all. */
  private readonly wanted?: ReadonlySet<TaskEventType>;
  /** Tasks whose `created` this process announced, until they end. */
  private readonly createdHere = new Set<string>();

  constructor(private readonly reporter: Reporter) {
    this.name = nameOf(reporter);
    const types = reporter.eventTypes;
    if (types !== undefined) {
      this.wanted = new Set(types);
      this.eventTypes = Object.freeze([...new Set([...types, ...TRACKED])]);
    }
  }

  onEvent(event: TaskEvent): void | Promise<void> {
    if (event.type === 'created') this.remember(event.taskId);
    const skip = this.createdHere.has(event.taskId);
    if (isTerminalEvent(event)) this.createdHere.delete(event.taskId);
    if (skip || (this.wanted !== undefined && !this.wanted.has(event.type))) return;
    return this.reporter.onEvent(event);
  }

  flush(): void | Promise<void> {
    return this.reporter.flush?.();
  }

  private remember(taskId: string): void {
    const created = this.createdHere;
    if (created.size >= MAX_CREATED_HERE) {
      // A Set iterates in insertion order: the oldest quarter goes.
      let drop = MAX_CREATED_HERE >> 2;
      for (const id of created) {
        if (drop-- === 0) break;
        created.delete(id);
      }
    }
    created.add(taskId);
  }

  close(): void | Promise<void> {
    return this.reporter.close?.();
  }
}

function nameOf(reporter: Reporter): string {
  return reporter.name ?? reporter.constructor?.name ?? 'reporter';
}
