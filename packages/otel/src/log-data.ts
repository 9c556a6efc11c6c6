import { LOG_LEVELS } from '@headway/core';
import type { LogLevel } from '@headway/core';

/** Longest log data text (JSON) a span event keeps by default; longer is cut. */
export const DEFAULT_MAX_LOG_DATA_LENGTH = 1024;

/** Log data as the span event attribute shows it: strings as they are, anything else as JSON. */
export function logDataText(data: unknown): string {
  if (typeof data === 'string') return data;
  try {
    return JSON.stringify(data) ?? String(data);
  } catch {
    return String(data);
  }
}

/** `text` cut to `max` characters, marked with an ellipsis; the same text again when cut twice. */
export function truncateLogData(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** Whether a log line of `level` is recorded when `minLogLevel` is the least severe one kept. */
export function logLevelFilter(minLogLevel: LogLevel = 'debug'): (level: LogLevel) => boolean {
  const min = LOG_LEVELS.indexOf(minLogLevel);
  return (level) => LOG_LEVELS.indexOf(level) >= min;
}
