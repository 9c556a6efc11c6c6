import type { LoggingLevel } from '@modelcontextprotocol/sdk/types.js';

const SEVERITY: readonly LoggingLevel[] = ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'];

/** The minimum level each session asked for with `logging/setLevel`. */
export class LogLevels {
  private readonly minimum = new Map<string, number>();

  constructor(private readonly defaultLevel: LoggingLevel) {}

  set(sessionKey: string, level: LoggingLevel): void {
    this.minimum.set(sessionKey, SEVERITY.indexOf(level));
  }

  allows(sessionKey: string, level: LoggingLevel): boolean {
    const min = this.minimum.get(sessionKey) ?? SEVERITY.indexOf(this.defaultLevel);
    return SEVERITY.indexOf(level) >= min;
  }
}

export function isLoggingLevel(value: unknown): value is LoggingLevel {
  return typeof value === 'string' && (SEVERITY as readonly string[]).includes(value);
}
