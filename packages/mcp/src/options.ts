import { InvalidArgumentError, TaskManager } from '@headway/core';
import type { Reporter } from '@headway/core';
import type { AnySchema, ZodRawShapeCompat } from '@modelcontextprotocol/sdk/server/zod-compat.js';
import type { LoggingLevel, ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import { isLoggingLevel } from './log-levels.js';
import { UNKNOWN_ARGUMENTS } from './tool-args.js';
import type { UnknownArguments } from './tool-args.js';
import { defaultPrincipal } from './owner.js';
import type { PrincipalResolver } from './owner.js';
import type { OwnerFunction } from './owner-rule.js';
import { checkFlag, resolveSharedOptions } from './task-options.js';
import type { ToolTaskOptions } from './task-options.js';

export type { ResolvedToolTask, ToolTaskOptions } from './task-options.js';
export { resolveToolTask } from './task-options.js';

export interface HeadwayMcpOptions {
  /** The server's one task manager (shared by every McpServer of the process). */
  manager: TaskManager;
  /**
   * Sinks for every task a call of this server starts, inline or answered at once, on top of the
   * manager's own: each event once; a task's end does not close them (README "Sinks of one server").
   */
  reporters?: readonly Reporter[];
  /** Prefix of the companion tools' names: `${prefix}task_status` … Default: none. */
  toolPrefix?: string;
  /** Register `task_status`, `task_wait`, `task_result`, `task_cancel`, `task_list`. Default true. */
  companionTools?: boolean;
  /** Logger name on `notifications/message`. Default `headway`. */
  loggerName?: string;
  /** Level sent before a client calls `logging/setLevel`. Default `info`. */
  logLevel?: LoggingLevel;
  /** After a tool call answered, send its task's log lines to the whole session instead of dropping them. Default false (logs are request-scoped). */
  logAfterResponse?: boolean;
  /** Who the authenticated caller is; default `authInfo.extra.sub` (the token's subject). */
  principal?: PrincipalResolver;
  /** Names the owner of a request's tasks (README "Owners"); undefined falls back to the rule. */
  owner?: OwnerFunction;
  /** Inline budget of `auto` tools, in ms. Default 45 000 (below the common 60 s client timeout). */
  inlineBudgetMs?: number;
  /**
   * Where an inline call that sent progress must have the client confirm it before answering
   * (stdio, in-memory and legacy SSE transports: README "Progress on stdio"), its progress goes
   * out only once the call has run this long, in ms; a call that ends sooner sends none and is
   * answered at once (the answer says it finished). Default 100. 0 sends progress from the start.
   * Streamable HTTP needs no confirmation and is not held back.
   */
  progressAfterMs?: number;
  /** Longest single `task_wait`, in ms. Default 45 000. */
  maxWaitMs?: number;
  /** Poll interval advertised to native task clients, in ms. Default 1000. */
  pollIntervalMs?: number;
  /** Largest TTL a native client may ask for, in ms (keep ≤ the manager's `maxTtlMs`). Default 24 h. */
  maxTtlMs?: number;
  /** Expose tasks as `task://{id}` resources with subscriptions. Default true. */
  resources?: boolean;
  /**
   * Allow `task_list`/`tasks/list` on unauthenticated HTTP, where callers cannot be told apart
   * (every anonymous caller then lists every anonymous task). Default false.
   */
  anonymousListing?: boolean;
  /**
   * Arguments a tool's input schema does not name: `refuse` the call with an error naming them
   * (default), or `strip` them like the SDK does. A tool's own `unknownArguments` overrides it;
   * this one also applies to the companion tools.
   */
  unknownArguments?: UnknownArguments;
}

export interface ResolvedOptions extends Required<Omit<HeadwayMcpOptions, 'reporters' | 'owner'>> {
  reporters: readonly Reporter[];
  owner?: OwnerFunction;
}

export interface HeadwayToolConfig<In extends ZodRawShapeCompat | AnySchema | undefined = undefined, Out extends ZodRawShapeCompat | AnySchema | undefined = undefined> {
  title?: string;
  description?: string;
  inputSchema?: In;
  /** Advertised for `inline` and `native` tools; `handle`/`auto` tools validate it without advertising it (their call may answer with a handle). */
  outputSchema?: Out;
  annotations?: ToolAnnotations;
  _meta?: Record<string, unknown>;
  task?: ToolTaskOptions;
  /** Arguments the input schema does not name: `refuse` (default: the attach option) or `strip`. */
  unknownArguments?: UnknownArguments;
}

export function resolveOptions(options: HeadwayMcpOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('attachHeadway options', options, 'an object with a manager');
  if (!(options.manager instanceof TaskManager)) throw new InvalidArgumentError('manager', options.manager, 'a TaskManager from @headway/core');
  const shared = resolveSharedOptions(options);
  const logLevel = options.logLevel ?? 'info';
  if (!isLoggingLevel(logLevel)) throw new InvalidArgumentError('logLevel', logLevel, 'an MCP logging level (debug … emergency)');
  const principal = options.principal ?? defaultPrincipal;
  if (typeof principal !== 'function') throw new InvalidArgumentError('principal', principal, 'a function (authInfo) => string | undefined');
  return {
    manager: options.manager,
    ...shared,
    logLevel,
    logAfterResponse: checkFlag('logAfterResponse', options.logAfterResponse, false),
    principal,
    resources: checkFlag('resources', options.resources, true),
    anonymousListing: checkFlag('anonymousListing', options.anonymousListing, false),
    unknownArguments: checkUnknownArguments('unknownArguments', options.unknownArguments, 'refuse'),
  };
}

export function checkUnknownArguments(name: string, value: unknown, fallback: UnknownArguments): UnknownArguments {
  if (value === undefined) return fallback;
  if (!UNKNOWN_ARGUMENTS.includes(value as UnknownArguments)) throw new InvalidArgumentError(name, value, UNKNOWN_ARGUMENTS.map((v) => `'${v}'`).join(' or '));
  return value as UnknownArguments;
}
