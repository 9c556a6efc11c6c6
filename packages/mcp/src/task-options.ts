// The `task` block of a Headway tool and the checks of option values: shared by both SDK bindings, no SDK imports.
import { InvalidArgumentError } from '@headway/core';
import type { Reporter, RetryOptions } from '@headway/core';
import type { OwnerFunction } from './owner-rule.js';
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

/** The options both SDK bindings take, as given. */
export interface SharedOptionsInput {
  readonly reporters?: readonly Reporter[] | undefined;
  readonly toolPrefix?: string | undefined;
  readonly companionTools?: boolean | undefined;
  readonly loggerName?: string | undefined;
  readonly owner?: OwnerFunction | undefined;
  readonly inlineBudgetMs?: number | undefined;
  readonly maxWaitMs?: number | undefined;
  readonly pollIntervalMs?: number | undefined;
  readonly maxTtlMs?: number | undefined;
  readonly progressAfterMs?: number | undefined;
}

/** The options both SDK bindings take, checked, with their defaults. */
export interface SharedOptions {
  reporters: readonly Reporter[];
  toolPrefix: string;
  companionTools: boolean;
  loggerName: string;
  owner?: OwnerFunction;
  inlineBudgetMs: number;
  maxWaitMs: number;
  pollIntervalMs: number;
  maxTtlMs: number;
  /** Where progress must be confirmed before an inline answer (stdio), how long it is held back; 0: not at all. */
  progressAfterMs: number;
}

const HOUR = 3_600_000;

/** Checks the options both bindings share, in one place, so both refuse the same values with the same words. */
export function resolveSharedOptions(options: SharedOptionsInput): SharedOptions {
  const reporters = options.reporters ?? [];
  if (!Array.isArray(reporters)) throw new InvalidArgumentError('reporters', reporters, 'an array of reporters');
  reporters.forEach((r: unknown, i) => {
    if (typeof (r as Reporter | undefined)?.onEvent !== 'function') throw new InvalidArgumentError(`reporters[${i}]`, r, 'an object with an onEvent(event) method');
  });
  const toolPrefix = options.toolPrefix ?? '';
  if (typeof toolPrefix !== 'string' || !/^[A-Za-z0-9_.-]{0,64}$/.test(toolPrefix)) throw new InvalidArgumentError('toolPrefix', toolPrefix, 'up to 64 letters, digits, _, - or .');
  const loggerName = options.loggerName ?? 'headway';
  if (typeof loggerName !== 'string' || loggerName.length === 0) throw new InvalidArgumentError('loggerName', loggerName, 'a non-empty string');
  if (options.owner !== undefined && typeof options.owner !== 'function') throw new InvalidArgumentError('owner', options.owner, 'a function (request) => string | undefined');
  return {
    reporters,
    toolPrefix,
    companionTools: checkFlag('companionTools', options.companionTools, true),
    loggerName,
    ...(options.owner && { owner: options.owner }),
    inlineBudgetMs: checkMs('inlineBudgetMs', options.inlineBudgetMs, 45_000),
    maxWaitMs: checkMs('maxWaitMs', options.maxWaitMs, 45_000),
    pollIntervalMs: checkMs('pollIntervalMs', options.pollIntervalMs, 1_000),
    maxTtlMs: checkMs('maxTtlMs', options.maxTtlMs, 24 * HOUR),
    progressAfterMs: checkDelayMs('progressAfterMs', options.progressAfterMs, 100),
  };
}

/** Like `checkMs`, but 0 (no delay) is allowed. */
export function checkDelayMs(name: string, value: unknown, fallback: number): number {
  if (value === 0) return 0;
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value > 0) || value === Infinity) throw new InvalidArgumentError(name, value, 'a finite number of milliseconds, 0 or more');
  return value;
}

/**
 * The TTL of a task a 2025-11-25 client asked for (`params.task.ttl`). The schema calls it the
 * "requested duration" and the task's `ttl` the "actual" one: the server decides, so a request
 * outside 0 … `maxTtlMs` is brought within it rather than refused.
 */
export function clampTtl(requested: number, maxTtlMs: number): number {
  return Math.min(Math.max(0, requested), maxTtlMs);
}
