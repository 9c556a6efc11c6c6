import type { TaskContext } from '../context/task-context.js';
import { InvalidArgumentError } from '../errors.js';
import type { LogLevel } from '../events.js';

/** Options of the seed-style logging helpers (`ctx.info(message, { loggerName })`). */
export interface SeedLogOptions {
  /** Logger name (the seed's `logger_name`). */
  loggerName?: string;
  /** Extra structured data. */
  data?: Record<string, unknown>;
}

/** A task context with the seed's MCP-style helpers: `ctx.info(...)` and `ctx.reportProgress(...)`. */
export interface SeedTaskContext extends TaskContext {
  debug(message: string, options?: SeedLogOptions): Promise<void>;
  info(message: string, options?: SeedLogOptions): Promise<void>;
  notice(message: string, options?: SeedLogOptions): Promise<void>;
  warning(message: string, options?: SeedLogOptions): Promise<void>;
  error(message: string, options?: SeedLogOptions): Promise<void>;
  /** The seed's `ctx.report_progress(progress, total, message)`: progress out of `total` (default 100). */
  reportProgress(progress: number, total?: number, message?: string): Promise<void>;
}

const DELEGATED = ['taskId', 'owner', 'kind', 'attempt', 'signal', 'progress', 'log', 'metadata', 'resumeFrom', 'dependencies'] as const satisfies readonly (keyof TaskContext)[];

/**
 * `ctx` with the seed's helpers, for code ported line for line. They are `ctx.log` and
 * `ctx.progress` under the seed's names; new code calls those directly.
 */
export function seedContext<C extends TaskContext>(ctx: C): C & SeedTaskContext {
  const log = (level: LogLevel) => (message: string, options?: SeedLogOptions): Promise<void> => {
    if (options !== undefined && (typeof options !== 'object' || options === null)) {
      throw new InvalidArgumentError('log options', options, 'an object with loggerName and/or data');
    }
    const { loggerName, data } = options ?? {};
    if (loggerName !== undefined && (typeof loggerName !== 'string' || loggerName.length === 0)) {
      throw new InvalidArgumentError('loggerName', loggerName, 'a non-empty string');
    }
    const payload = loggerName !== undefined || data !== undefined ? { ...data, ...(loggerName !== undefined && { logger: loggerName }) } : undefined;
    ctx.log.log(level, message, payload);
    return Promise.resolve();
  };
  const helpers = {
    debug: log('debug'),
    info: log('info'),
    notice: log('notice'),
    warning: log('warning'),
    error: log('error'),
    reportProgress(progress: number, total = 100, message?: string): Promise<void> {
      if (typeof total !== 'number' || !(total > 0) || total === Infinity) throw new InvalidArgumentError('total', total, 'a finite number greater than 0');
      if (typeof progress !== 'number' || !(progress >= 0 && progress <= total)) {
        throw new InvalidArgumentError('progress', progress, `a number from 0 to total (${total})`);
      }
      ctx.progress.update((progress / total) * 100, message);
      return Promise.resolve();
    },
  };
  // The context keeps its state behind getters (progress and log are made on first use, where the
  // runner looks for them), so each read is delegated rather than copied or inherited.
  const context = { ...helpers } as unknown as C & SeedTaskContext & Record<string, unknown>;
  for (const key of DELEGATED) Object.defineProperty(context, key, { get: () => ctx[key], enumerable: true });
  context.checkpoint = (state: unknown) => ctx.checkpoint(state);
  context.elicit = (request) => ctx.elicit(request);
  context.awaitInput = <T>(message: string, wait: () => Promise<T>) => ctx.awaitInput(message, wait);
  return context;
}
