import { InvalidArgumentError } from '@headway/core';
import type { LogLevel, Reporter, TaskContext } from '@headway/core';
import type { McpExtra } from './types.js';

/** Options of the seed-style logging helpers (`ctx.info(message, { loggerName })`). */
export interface LogOptions {
  /** Logger name shown to the client (the seed's `logger_name`). */
  loggerName?: string;
  /** Extra structured data. */
  data?: Record<string, unknown>;
}

/**
 * What a Headway tool handler receives as `ctx`: the core task context, the SDK's `extra` of
 * the request that started the task, and the seed's helpers.
 */
export interface McpToolContext extends TaskContext {
  /** The SDK's request `extra`; undefined when the task runs again after a restart (no request). */
  readonly mcp: McpExtra | undefined;
  /** Sinks that follow this request: pass `ctx` as `context` to `createContextAwareTask`. */
  readonly reporters: readonly Reporter[];
  debug(message: string, options?: LogOptions): Promise<void>;
  info(message: string, options?: LogOptions): Promise<void>;
  notice(message: string, options?: LogOptions): Promise<void>;
  warning(message: string, options?: LogOptions): Promise<void>;
  error(message: string, options?: LogOptions): Promise<void>;
  /** The seed's `ctx.report_progress(progress, total, message)`: progress out of `total` (default 100). */
  reportProgress(progress: number, total?: number, message?: string): Promise<void>;
}

export function createToolContext(ctx: TaskContext, mcp: McpExtra | undefined, reporters: readonly Reporter[]): McpToolContext {
  const log = (level: LogLevel) => (message: string, options?: LogOptions): Promise<void> => {
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
  const extras = {
    mcp,
    reporters,
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
  // The core context keeps its state behind getters (progress and log are made on first use, on the
  // core context, where the manager looks for them), so delegate each read rather than copy or inherit.
  const context = extras as unknown as McpToolContext & Record<string, unknown>;
  for (const key of DELEGATED) Object.defineProperty(context, key, { get: () => ctx[key], enumerable: true });
  context.checkpoint = (state: unknown) => ctx.checkpoint(state);
  context.awaitInput = <T>(message: string, wait: () => Promise<T>) => ctx.awaitInput(message, wait);
  return context;
}

const DELEGATED = ['taskId', 'owner', 'kind', 'attempt', 'signal', 'progress', 'log', 'metadata', 'resumeFrom', 'dependencies'] as const satisfies readonly (keyof TaskContext)[];
