import { lifecycleLine } from '@headway/core';
import type { LogLevel, TaskEvent } from '@headway/core';
import { clip } from './task-view.js';

/** One line of the dashboard's log: a lifecycle line or a task's own `ctx.log` entry. */
export interface LogLine {
  at: number;
  level: LogLevel;
  taskId: string;
  kind: string;
  owner: string;
  message: string;
}

/** The log line an event produces, if any; wording comes from core's `lifecycleLine`. */
export function logLineFor(event: TaskEvent): LogLine | undefined {
  let level: LogLevel;
  let message: string;
  if (event.type === 'log') {
    level = event.level;
    message = event.message;
  } else {
    const line = lifecycleLine(event);
    if (!line) return undefined;
    level = line.level;
    message = line.message;
  }
  return { at: event.at, level, taskId: event.taskId, kind: event.kind, owner: event.owner, message: clip(message) };
}
