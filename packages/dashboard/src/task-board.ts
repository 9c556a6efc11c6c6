import { isTerminal } from '@headway/core';
import type { TaskEvent, TaskSnapshot as TaskRecord } from '@headway/core';
import { logLineFor } from './log-line.js';
import type { LogLine } from './log-line.js';
import type { OwnerLabel } from './owner-label.js';
import { TaskHistory } from './task-history.js';
import type { TaskHistoryView } from './task-history.js';
import { applyEvent, viewFromRecord } from './task-view.js';
import type { TaskView } from './task-view.js';

export interface TaskBoardOptions {
  maxTasks: number;
  maxLogLines: number;
  ownerLabel: OwnerLabel;
}

interface Entry {
  view: TaskView;
  history: TaskHistory;
}

const MAX_DEPENDENTS = 100;

/**
 * The dashboard's bounded memory: at most `maxTasks` tasks, each with its view and its bounded
 * history (finished ones are evicted first, oldest first), and a ring of the last `maxLogLines`
 * log lines.
 */
export class TaskBoard {
  private readonly tasks = new Map<string, Entry>();
  private readonly logs: LogLine[] = [];
  private logStart = 0;
  evicted = 0;

  constructor(private readonly options: TaskBoardOptions) {}

  get size(): number {
    return this.tasks.size;
  }

  get(id: string): TaskView | undefined {
    return this.tasks.get(id)?.view;
  }

  history(id: string): TaskHistoryView | undefined {
    return this.tasks.get(id)?.history.view();
  }

  /** Tasks on the board that wait for `id` (at most 100). */
  dependents(id: string): TaskView[] {
    const found: TaskView[] = [];
    for (const { view } of this.tasks.values()) {
      if (view.dependsOn?.includes(id)) found.push(view);
      if (found.length >= MAX_DEPENDENTS) break;
    }
    return found;
  }

  /** Applies an event; returns the updated view and the log line it produced, if any. */
  apply(event: TaskEvent): { view: TaskView; log?: LogLine } {
    let entry = this.tasks.get(event.taskId);
    const view = applyEvent(entry?.view, event, this.options.ownerLabel);
    if (!entry) {
      entry = { view, history: new TaskHistory() };
      this.tasks.set(view.id, entry);
      this.evict();
    }
    const log = logLineFor(event);
    entry.history.apply(event, log);
    if (log) this.addLog(log);
    return log ? { view, log } : { view };
  }

  /** Adds records read from the store; tasks already known from events are newer and kept. */
  seed(records: readonly TaskRecord[]): void {
    for (const record of records) {
      if (this.tasks.has(record.id)) continue;
      this.tasks.set(record.id, { view: viewFromRecord(record, this.options.ownerLabel), history: TaskHistory.fromRecord(record) });
      this.evict();
    }
  }

  /** Task views, oldest first. */
  views(): TaskView[] {
    return [...this.tasks.values()].map((e) => e.view).sort((a, b) => a.createdAt - b.createdAt);
  }

  /** Log lines, oldest first. */
  logLines(): LogLine[] {
    return [...this.logs.slice(this.logStart), ...this.logs.slice(0, this.logStart)];
  }

  private addLog(line: LogLine): void {
    const max = this.options.maxLogLines;
    if (max === 0) return;
    if (this.logs.length < max) {
      this.logs.push(line);
      return;
    }
    this.logs[this.logStart] = line;
    this.logStart = (this.logStart + 1) % max;
  }

  private evict(): void {
    while (this.tasks.size > this.options.maxTasks) {
      let victim: string | undefined;
      for (const [id, { view }] of this.tasks) {
        if (isTerminal(view.status)) {
          victim = id;
          break;
        }
      }
      // All active: drop the oldest anyway, memory bounds come first.
      victim ??= this.tasks.keys().next().value;
      if (victim === undefined) return;
      this.tasks.delete(victim);
      this.evicted++;
    }
  }
}
