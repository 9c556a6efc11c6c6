// The options of Headway on SDK v2, checked before any side effect, and what they resolve to.
import { randomBytes } from 'node:crypto';
import { InvalidArgumentError, TaskManager } from '@headway/core';
import type { Reporter, TaskManager as Manager } from '@headway/core';
import { createRequestStateCodec } from '@modelcontextprotocol/server';
import type { RequestStateCodec, ServerContext } from '@modelcontextprotocol/server';
import { taskOwner } from './owner-rule.js';
import type { OwnerFunction, OwnerTransport, TaskOwner } from './owner-rule.js';
import { DEFAULT_POLL_POLICY } from './poll-interval.js';
import type { PollPolicy } from './poll-interval.js';
import { companionNames } from './companion-names.js';
import { checkMs, resolveSharedOptions } from './task-options.js';
import { liveStatusMessageOf } from './task-status-line.js';
import type { V2Runtime } from './v2-runtime.js';

export interface HeadwayV2Options {
  /** The process's one task manager. */
  manager: Manager;
  /** The era the instance serves: `ctx.era` of the factory `createMcpHandler` / `serveStdio` calls. */
  era: 'legacy' | 'modern';
  /** `http` (default) or `stdio`: decides the owner of unauthenticated requests (see the README's "Owners"). */
  transport?: OwnerTransport;
  /** Names the owner of a request's tasks (e.g. from `authInfo`); undefined falls back to the rule. */
  owner?: OwnerFunction;
  /**
   * Sinks for every task a call of this server starts, inline or answered at once, on top of the
   * manager's own: each event once; a task's end does not close them (README "Sinks of one server").
   */
  reporters?: readonly Reporter[];
  /** Prefix of the companion tools' names. Default none. */
  toolPrefix?: string;
  /** Register task_status, task_wait, task_result, task_cancel, task_list, task_respond. Default true. */
  companionTools?: boolean;
  /** Logger name of lifecycle lines. Default `headway`. */
  loggerName?: string;
  /** Inline budget of `auto` tools, in ms. Default 45 000. */
  inlineBudgetMs?: number;
  /** Longest single task_wait, in ms. Default 45 000. */
  maxWaitMs?: number;
  /** `pollInterval` of 2025-11-25 tasks, in ms. Default 1000. */
  pollIntervalMs?: number;
  /** Bounds of the extension's `pollIntervalMs`, which follows the task. */
  pollPolicy?: Partial<PollPolicy>;
  /** Largest TTL a 2025-11-25 client may ask for, in ms. Default 24 h. */
  maxTtlMs?: number;
  /**
   * On stdio (`transport: 'stdio'`), an inline call's progress goes out only once the call has run
   * this long, in ms; a call that ends sooner sends none and is answered at once (the answer says it
   * finished). Default 100; 0 sends progress from the start. See the README's "Progress on stdio".
   */
  progressAfterMs?: number;
  /**
   * Key of the signed `requestState` of input rounds (2026-07-28, at least 32 bytes). Default: one
   * random key per process, so a round cannot be finished after a restart; replicas behind one
   * address need a shared key.
   */
  requestStateKey?: Uint8Array;
}

const stateCodecs = new WeakMap<Manager, RequestStateCodec<{ taskId: string }>>();

/** Checks the options and builds what the parts of one attachment share. */
export function resolveRuntime(options: HeadwayV2Options): V2Runtime {
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('attachHeadway options', options, 'an object with manager and era');
  if (!(options.manager instanceof TaskManager)) throw new InvalidArgumentError('manager', options.manager, 'a TaskManager from @headway/core');
  if (options.era !== 'modern' && options.era !== 'legacy') throw new InvalidArgumentError('era', options.era, "'modern' or 'legacy' (the factory context's era)");
  const transport = options.transport ?? 'http';
  if (transport !== 'http' && transport !== 'stdio') throw new InvalidArgumentError('transport', transport, "'http' or 'stdio'");
  const shared = resolveSharedOptions(options);
  const ownerFn = shared.owner;
  const era = options.era;
  const ownerOf = (ctx: ServerContext): TaskOwner => taskOwner({ authInfo: ctx.http?.authInfo, era, transport, headers: headersOf((ctx.http as { req?: Request } | undefined)?.req) }, ownerFn);
  return {
    manager: options.manager,
    era,
    transport,
    ownerOf,
    names: companionNames(shared.toolPrefix),
    companionTools: shared.companionTools,
    loggerName: shared.loggerName,
    inlineBudgetMs: shared.inlineBudgetMs,
    maxWaitMs: shared.maxWaitMs,
    maxTtlMs: shared.maxTtlMs,
    progressAfterMs: shared.progressAfterMs,
    pollIntervalMs: shared.pollIntervalMs,
    pollPolicy: resolvePollPolicy(options.pollPolicy),
    reporters: shared.reporters,
    // No task:// resources on this binding: summaries do not name them.
    view: { statusMessageOf: liveStatusMessageOf(options.manager), resources: false },
    stateCodec: stateCodecOf(options.manager, options.requestStateKey),
  };
}

function resolvePollPolicy(policy: Partial<PollPolicy> | undefined): PollPolicy {
  if (policy === undefined) return { ...DEFAULT_POLL_POLICY };
  if (typeof policy !== 'object' || policy === null) throw new InvalidArgumentError('pollPolicy', policy, 'an object with minMs, maxMs, baseMs, inputMs');
  const resolved: PollPolicy = {
    minMs: checkMs('pollPolicy.minMs', policy.minMs, DEFAULT_POLL_POLICY.minMs),
    maxMs: checkMs('pollPolicy.maxMs', policy.maxMs, DEFAULT_POLL_POLICY.maxMs),
    baseMs: checkMs('pollPolicy.baseMs', policy.baseMs, DEFAULT_POLL_POLICY.baseMs),
    inputMs: checkMs('pollPolicy.inputMs', policy.inputMs, DEFAULT_POLL_POLICY.inputMs),
  };
  if (resolved.minMs > resolved.maxMs) throw new InvalidArgumentError('pollPolicy', policy, `minMs (${resolved.minMs}) not above maxMs (${resolved.maxMs})`);
  return resolved;
}

function headersOf(request: Request | undefined): Record<string, string> | undefined {
  if (!request) return undefined;
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => (headers[name] = value));
  return headers;
}

function stateCodecOf(manager: Manager, key: Uint8Array | undefined): RequestStateCodec<{ taskId: string }> {
  if (key !== undefined) {
    if (!(key instanceof Uint8Array) || key.length < 32) throw new InvalidArgumentError('requestStateKey', key, 'at least 32 bytes');
    return createRequestStateCodec<{ taskId: string }>({ key, ttlSeconds: 3_600 });
  }
  let codec = stateCodecs.get(manager);
  if (!codec) stateCodecs.set(manager, (codec = createRequestStateCodec<{ taskId: string }>({ key: randomBytes(32), ttlSeconds: 3_600 })));
  return codec;
}

