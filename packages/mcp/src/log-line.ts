import type { TaskEvent } from '@headway/core';

type LogEvent = Extract<TaskEvent, { type: 'log' }>;

/**
 * The logger a task's log line goes out under: `ctx.info(message, { loggerName })` travels as
 * `data.logger` (so every sink sees it), then the event's own logger, then the binding's default.
 */
export function loggerOfLine(event: LogEvent, fallback: string): string {
  const named = (event.data as { logger?: unknown } | undefined)?.logger;
  return typeof named === 'string' ? named : (event.logger ?? fallback);
}
