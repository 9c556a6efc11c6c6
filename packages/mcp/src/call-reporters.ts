// The sinks that see a tool call's task, on both SDK bindings: the manager's progress memo (status
// lines), the sinks of the attachment's `reporters` option, and the request's own sinks. A call
// attaches them to its task, so they see it wherever it runs (events relayed from a worker too).
// A task recovered after a restart has no call: the tool's kind definition carries the memo and the
// option's sinks (of the first server to register the tool) for it. The core gives a sink that is
// both a kind's and a task's each event of that task once, through the task's reporter, which may
// wrap it (`Reporter.wraps`): a call's task attaches each of the kind's sinks silenced, so that
// only the call's own reporters (and the manager's sinks it does not attach) see it.
import { InvalidArgumentError } from '@headway/core';
import type { Reporter, TaskEvent, TaskEventType, TaskFunction, TaskManager } from '@headway/core';
import { progressMemoOf } from './progress-memo.js';

/** Per manager, the sinks each kind defined here for recovery carries (none when the application defined the kind). */
const recoveryKinds = new WeakMap<TaskManager, Map<string, readonly RecoverySink[]>>();

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
  const sinks = [...options.configured, progressMemoOf(manager)].map((sink) => new RecoverySink(sink));
  try {
    manager.define(kind, fn, { resumable: options.resumable, reporters: sinks });
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
 * and silenced, the sinks its kind carries (each its own sink to the core, so that silencing it
 * keeps the task from the kind's channel only, not from a manager's sink it wraps).
 */
export function callReporters(manager: TaskManager, kind: string, configured: readonly Reporter[], request: readonly (Reporter | undefined)[]): Reporter[] {
  const reporters: Reporter[] = [progressMemoOf(manager)];
  for (const reporter of configured) reporters.push(shared(reporter, KeptOpen));
  for (const sink of recoveryKinds.get(manager)?.get(kind) ?? []) reporters.push(shared(sink, Silenced));
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

/** Delivers to `sink`: everything but `close`. */
class Forwarding implements Reporter {
  readonly name: string;

  constructor(protected readonly sink: Reporter) {
    this.name = nameOf(sink);
  }

  get eventTypes(): readonly TaskEventType[] | undefined {
    return this.sink.eventTypes;
  }

  onEvent(event: TaskEvent): void | Promise<void> {
    return this.sink.onEvent(event);
  }

  flush(): void | Promise<void> {
    return this.sink.flush?.();
  }
}

/** A shared sink attached to one task: everything but `close`, which is its owner's (or the manager's at shutdown). */
class KeptOpen extends Forwarding {
  get wraps(): Reporter {
    return this.sink;
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
 * (each call silences it), with this process's events only, as a kind's sinks see them; closed by
 * the manager at shutdown. Not a `wraps` of the sink: to the core it is a sink of its own, so a
 * call that silences it does not also keep its task from the manager's channel of the same sink.
 */
class RecoverySink extends Forwarding {
  close(): void | Promise<void> {
    return this.sink.close?.();
  }
}

function nameOf(reporter: Reporter): string {
  return reporter.name ?? reporter.constructor?.name ?? 'reporter';
}
