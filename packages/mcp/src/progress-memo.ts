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
  at: number;
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
      this.live.set(e.taskId, { phase: e.phase, message: e.message, percent: e.progress, etaMs: e.etaMs, at: e.at });
    } else if (event.type === 'phase') {
      const e = event as PhaseEvent;
      if (e.state === 'started') this.slots.set(e.taskId, { name: e.name, from: e.from, to: e.to, total: e.total });
      else if (this.slots.get(e.taskId)?.name === e.name) this.slots.delete(e.taskId);
    } else {
      this.live.delete(event.taskId);
      this.slots.delete(event.taskId);
    }
  }

  /** What the status line of a task says at `now`; undefined when nothing was seen here. */
  facts(taskId: string, now: number): StatusLineFacts | undefined {
    const live = this.live.get(taskId);
    if (!live) return undefined;
    const facts: StatusLineFacts = { percent: live.percent };
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
