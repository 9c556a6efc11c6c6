// The `task` block of a Headway tool and the checks of option values: shared by both SDK bindings, no SDK imports.
import { InvalidArgumentError } from '@headway/core';
import type { RetryOptions } from '@headway/core';
import { TOOL_MODES } from './tool-mode.js';
import type { ToolMode } from './tool-mode.js';

/** The `task` block of a Headway tool. */
export interface ToolTaskOptions {
  /** Default `auto`. */
  mode?: ToolMode;
  /** Task kind (for sinks, concurrency limits and recovery). Default: the tool name. */
  kind?: string;
  ttlMs?: number;
  timeoutMs?: number;
  retry?: RetryOptions;
  /** After a restart, the task runs again from its last checkpoint (with `ctx.mcp` undefined). */
  resumable?: boolean;
  /** `auto` only: how long the call stays inline before it answers with a handle. */
  inlineBudgetMs?: number;
}

export interface ResolvedToolTask {
  mode: ToolMode;
  kind: string;
  ttlMs?: number;
  timeoutMs?: number;
  retry?: RetryOptions;
  resumable: boolean;
  inlineBudgetMs: number;
}

export function resolveToolTask(name: string, task: ToolTaskOptions | undefined, defaults: { inlineBudgetMs: number }): ResolvedToolTask {
  if (task !== undefined && (typeof task !== 'object' || task === null)) throw new InvalidArgumentError('task', task, 'an object');
  const t = task ?? {};
  const mode = t.mode ?? 'auto';
  if (!TOOL_MODES.includes(mode)) throw new InvalidArgumentError('task.mode', mode, TOOL_MODES.join(', '));
  const kind = t.kind ?? name;
  if (typeof kind !== 'string' || kind.length === 0 || kind.length > 256) throw new InvalidArgumentError('task.kind', kind, 'a non-empty string');
  if (t.ttlMs !== undefined) checkMs('task.ttlMs', t.ttlMs, 0);
  if (t.timeoutMs !== undefined) checkMs('task.timeoutMs', t.timeoutMs, 0);
  if (t.retry !== undefined && (typeof t.retry !== 'object' || t.retry === null)) throw new InvalidArgumentError('task.retry', t.retry, 'retry options');
  return {
    mode,
    kind,
    ...(t.ttlMs !== undefined && { ttlMs: t.ttlMs }),
    ...(t.timeoutMs !== undefined && { timeoutMs: t.timeoutMs }),
    ...(t.retry !== undefined && { retry: t.retry }),
    resumable: checkFlag('task.resumable', t.resumable, false),
    inlineBudgetMs: checkMs('task.inlineBudgetMs', t.inlineBudgetMs, defaults.inlineBudgetMs),
  };
}

export function checkFlag(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new InvalidArgumentError(name, value, 'true or false');
  return value;
}

export function checkMs(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value > 0) || value === Infinity) throw new InvalidArgumentError(name, value, 'a finite number of milliseconds greater than 0');
  return value;
}
