import { isTerminal } from '@headway/core';
import type { TaskEvent, TaskSnapshot as TaskRecord } from '@headway/core';
import { logLineFor } from './log-line.js';
import type { LogLine } from './log-line.js';
import { applyEvent, viewFromRecord } from './task-view.js';
import type { TaskView } from './task-view.js';

/**
 * The dashboard's bounded memory: at most `maxTasks` task views (finished ones are evicted
 * first, oldest first) and a ring of the last `maxLogLines` log lines.
 */
export class TaskBoard {
  private readonly tasks = new Map<string, TaskView>();
  private readonly logs: LogLine[] = [];
  private logStart = 0;
  evicted = 0;

  constructor(
    private readonly maxTasks: number,
    private readonly maxLogLines: number,
  ) {}

  get size(): number {
    return this.tasks.size;
  }

  get(id: string): TaskView | undefined {
    return this.tasks.get(id);
  }

  /** Applies an event; returns the updated view and the log line it produced, if any. */
  apply(event: TaskEvent): { view: TaskView; log?: LogLine } {
    const known = this.tasks.get(event.taskId);
    const view = applyEvent(known, event);
    if (!known) {
      this.tasks.set(view.id, view);
      this.evict();
    }
    const log = logLineFor(event);
    if (log) this.addLog(log);
    return log ? { view, log } : { view };
  }

  /** Adds records read from the store; tasks already known from events are newer and kept. */
  seed(records: readonly TaskRecord[]): void {
    for (const record of records) {
      if (this.tasks.has(record.id)) continue;
      this.tasks.set(record.id, viewFromRecord(record));
      this.evict();
    }
  }

  /** Task views, oldest first. */
  views(): TaskView[] {
    return [...this.tasks.values()].sort((a, b) => a.createdAt - b.createdAt);
  }

  /** Log lines, oldest first. */
  logLines(): LogLine[] {
    return [...this.logs.slice(this.logStart), ...this.logs.slice(0, this.logStart)];
  }

  private addLog(line: LogLine): void {
    if (this.maxLogLines === 0) return;
    if (this.logs.length < this.maxLogLines) {
      this.logs.push(line);
      return;
    }
    this.logs[this.logStart] = line;
    this.logStart = (this.logStart + 1) % this.maxLogLines;
  }

  private evict(): void {
    while (this.tasks.size > this.maxTasks) {
      let victim: string | undefined;
      for (const [id, view] of this.tasks) {
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
