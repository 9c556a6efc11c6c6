import type { Reporter, TaskManager } from '@headway/core';
import type { RequestStateCodec, ServerContext } from '@modelcontextprotocol/server';
import type { OwnerTransport, TaskOwner } from './owner-rule.js';
import type { PollPolicy } from './poll-interval.js';
import type { CompanionNames } from './companion-names.js';
import type { SummaryView } from './task-summary.js';

/** What the parts of one v2 attachment share. */
export interface V2Runtime {
  readonly manager: TaskManager;
  readonly era: 'legacy' | 'modern';
  readonly transport: OwnerTransport;
  readonly ownerOf: (ctx: ServerContext) => TaskOwner;
  readonly names: CompanionNames;
  /** Whether the companion tools are registered. */
  readonly companionTools: boolean;
  readonly loggerName: string;
  readonly inlineBudgetMs: number;
  readonly maxWaitMs: number;
  readonly maxTtlMs: number;
  /** On stdio, how long an inline call's progress is held back (README "Progress on stdio"). */
  readonly progressAfterMs: number;
  /** `pollInterval` of 2025-11-25 tasks. */
  readonly pollIntervalMs: number;
  /** `pollIntervalMs` of extension tasks (it follows the task). */
  readonly pollPolicy: PollPolicy;
  readonly reporters: readonly Reporter[];
  /** How task_status and handle answers show a task: a running one's status line (task-status-line.ts), no `task://`. */
  readonly view: SummaryView;
  readonly stateCodec: RequestStateCodec<{ taskId: string }>;
}
