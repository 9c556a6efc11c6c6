// The latest progress facts of the tasks running in this process (phase, counts, ETA), which the
// store does not keep: the tasks extension's statusMessage line is built from them. A task that
// runs elsewhere (or has not reported since a restart) falls back to its stored progress.
import type { PhaseEvent, ProgressEvent, Reporter, TaskEvent, TaskEventType, TaskManager } from '@headway/core';
import type { StatusLineFacts } from './status-line.js';

interface Live {
  phase?: string | undefined;
  message?: string | undefined;
  percent: number;
  etaMs?: number | undefined;
  /** When the latest progress event (heartbeats too) was made. */
  at: number;
  /** When the task last moved: a new value, message or phase (heartbeats aside). */
  movedAt?: number | undefined;
}

/**
 * What this process saw of a running task: its status line's facts, and when it last moved. Its
 * `message` is the task's current one: none when the task has none (yet, or since a phase started
 * or ended), and then the record's latest message, set before, is not the task's to show.
 */
export interface LiveProgress extends StatusLineFacts {
  /** When its progress last moved (a new value, message or phase; heartbeats aside), epoch ms. */
  movedAt?: number;
}

interface Slot {
  name: string;
  from: number;
  to: number;
  total?: number | undefined;
}

const EVENTS: readonly TaskEventType[] = ['progress', 'phase', 'completed', 'failed', 'cancelled'];

export class ProgressMemo implements Reporter {
  readonly name = 'mcp-progress-memo';
  readonly eventTypes = EVENTS;
  private readonly live = new Map<string, Live>();
  private readonly slots = new Map<string, Slot>();

  onEvent(event: TaskEvent): void {
    if (event.type === 'progress') {
      const e = event as ProgressEvent;
      // A heartbeat says the task is alive, not that it moved.
      const movedAt = e.heartbeat ? this.live.get(e.taskId)?.movedAt : e.at;
      this.live.set(e.taskId, { phase: e.phase, message: e.message, percent: e.progress, etaMs: e.etaMs, at: e.at, movedAt });
    } else if (event.type === 'phase') {
      const e = event as PhaseEvent;
      if (e.state === 'started') this.slots.set(e.taskId, { name: e.name, from: e.from, to: e.to, total: e.total });
      else if (this.slots.get(e.taskId)?.name === e.name) this.slots.delete(e.taskId);
      // The task is now in this phase (or, when it ended, in the enclosing one), with no message yet:
      // the core clears it, as a message belongs to the phase that set it.
      const phase = e.state === 'started' ? e.name : e.path.at(-2);
      const live = this.live.get(e.taskId);
      if (live) {
        live.phase = phase;
        live.message = undefined;
        live.percent = Math.max(live.percent, e.progress);
        live.movedAt = e.at;
      } else this.live.set(e.taskId, { phase, percent: e.progress, at: e.at, movedAt: e.at });
    } else {
      this.live.delete(event.taskId);
      this.slots.delete(event.taskId);
    }
  }

  /** What the status line of a task says at `now`, and when it last moved; undefined when nothing was seen here. */
  facts(taskId: string, now: number): LiveProgress | undefined {
    const live = this.live.get(taskId);
    if (!live) return undefined;
    const facts: LiveProgress = { percent: live.percent };
    if (live.movedAt !== undefined) facts.movedAt = live.movedAt;
    if (live.phase !== undefined) facts.phase = live.phase;
    if (live.message !== undefined) facts.message = live.message;
    if (live.etaMs !== undefined && live.percent < 100) facts.etaMs = Math.max(0, live.etaMs - (now - live.at));
    const slot = this.slots.get(taskId);
    if (slot?.total !== undefined && slot.name === live.phase && slot.to > slot.from) {
      facts.total = slot.total;
      facts.current = Math.round(((live.percent - slot.from) / (slot.to - slot.from)) * slot.total);
    }
    return facts;
  }
}

const memos = new WeakMap<TaskManager, ProgressMemo>();

/** The one memo of a manager, attached to every task an MCP call starts. */
export function progressMemoOf(manager: TaskManager): ProgressMemo {
  let memo = memos.get(manager);
  if (!memo) memos.set(manager, (memo = new ProgressMemo()));
  return memo;
}
