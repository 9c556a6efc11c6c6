// The sinks that see a tool call's task, on both SDK bindings: the manager's progress memo (status
// lines), the sinks of the attachment's `reporters` option, and the request's own sinks. A call
// attaches them to its task, so they see it wherever it runs (events relayed from a worker too).
// A task recovered after a restart has no call: the tool's kind definition carries the memo and the
// option's sinks (of the first server to register the tool) for it. The core gives a sink that is
// both a kind's and a task's each event of that task once, through the task's reporter, which may
// wrap it (`Reporter.wraps`): so a call's task reaches each sink once, and a call of another server
// on the same manager attaches the kind's sinks it does not have silenced.
import { InvalidArgumentError } from '@headway/core';
import type { Reporter, TaskEvent, TaskEventType, TaskFunction, TaskManager } from '@headway/core';
import { progressMemoOf } from './progress-memo.js';

/** Per manager, the sinks each kind defined here for recovery carries (none when the application defined the kind). */
const recoveryKinds = new WeakMap<TaskManager, Map<string, readonly Reporter[]>>();

/**
 * Defines a tool's kind, so its queued tasks run again after a restart (whether a working one
 * resumes or fails as interrupted is the record's `resumable`), with the memo and `configured`
 * sinks for those tasks. Once per manager and kind; a kind the application defined itself keeps its
 * definition, which then runs recovered tasks. Any other refusal of the manager is the caller's to see.
 */
export function defineRecoveryKind(manager: TaskManager, kind: string, fn: TaskFunction, options: { resumable: boolean; configured: readonly Reporter[] }): void {
  let kinds = recoveryKinds.get(manager);
  if (!kinds) recoveryKinds.set(manager, (kinds = new Map()));
  if (kinds.has(kind)) return;
  const sinks = [...options.configured, progressMemoOf(manager)];
  try {
    manager.define(kind, fn, { resumable: options.resumable, reporters: sinks.map((sink) => new RecoverySink(sink)) });
  } catch (error) {
    // The core refuses a second definition as InvalidArgumentError('kind', kind, 'a kind not defined yet').
    if (!(error instanceof InvalidArgumentError && error.argument === 'kind' && error.value === kind)) throw error;
    kinds.set(kind, []);
    return;
  }
  kinds.set(kind, sinks);
}

/**
 * The reporters of a call's task: the memo first (a request sink reads its facts), the `reporters`
 * option's sinks (shared by every task, so a task's end does not close them), then `request`'s;
 * and silenced, the sinks its kind carries that are not this server's.
 */
export function callReporters(manager: TaskManager, kind: string, configured: readonly Reporter[], request: readonly (Reporter | undefined)[]): Reporter[] {
  const memo = progressMemoOf(manager);
  const reporters: Reporter[] = [memo];
  for (const reporter of configured) reporters.push(shared(reporter, KeptOpen));
  for (const sink of recoveryKinds.get(manager)?.get(kind) ?? []) {
    if (sink !== memo && !configured.includes(sink)) reporters.push(shared(sink, Silenced));
  }
  for (const reporter of request) if (reporter) reporters.push(reporter);
  return reporters;
}

type Wrapper = new (sink: Reporter) => Reporter;
const wrappers = new Map<Wrapper, WeakMap<Reporter, Reporter>>();

/** One wrapper of each class per sink, attached to every task (the core reads a wrapper's fields once). */
function shared(sink: Reporter, Class: Wrapper): Reporter {
  let of = wrappers.get(Class);
  if (!of) wrappers.set(Class, (of = new WeakMap()));
  let wrapper = of.get(sink);
  if (!wrapper) of.set(sink, (wrapper = new Class(sink)));
  return wrapper;
}

/** A shared sink attached to one task: everything but `close`, which is its owner's (or the manager's at shutdown). */
class KeptOpen implements Reporter {
  readonly name: string;

  constructor(readonly wraps: Reporter) {
    this.name = nameOf(wraps);
  }

  get eventTypes(): readonly TaskEventType[] | undefined {
    return this.wraps.eventTypes;
  }

  onEvent(event: TaskEvent): void | Promise<void> {
    return this.wraps.onEvent(event);
  }

  flush(): void | Promise<void> {
    return this.wraps.flush?.();
  }
}

const NONE: readonly TaskEventType[] = Object.freeze([]);

/** Keeps a task from a kind's sink: attached to the task, it takes the sink's place there, taking no event. */
class Silenced implements Reporter {
  readonly name: string;
  readonly eventTypes = NONE;

  constructor(readonly wraps: Reporter) {
    this.name = nameOf(wraps);
  }

  onEvent(): void {}
}

/**
 * A sink as a kind definition carries it: for the tasks no call of this process attached it to
 * (the core gives it none of those), with this process's events only, as a kind's sinks see them;
 * closed by the manager at shutdown.
 */
class RecoverySink extends KeptOpen {
  close(): void | Promise<void> {
    return this.wraps.close?.();
  }
}

function nameOf(reporter: Reporter): string {
  return reporter.name ?? reporter.constructor?.name ?? 'reporter';
}
