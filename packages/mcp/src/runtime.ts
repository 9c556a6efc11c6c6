import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { LogLevels } from './log-levels.js';
import type { ResolvedOptions } from './options.js';
import type { OwnerResolver } from './owner.js';
import type { HeadwayTaskStore } from './task-store-adapter.js';
import type { SummaryView } from './task-view.js';

/** Names of the companion tools, after the prefix. */
export interface CompanionNames {
  status: string;
  wait: string;
  result: string;
  cancel: string;
  list: string;
  respond: string;
}

/** What the parts of one attachment share. */
export interface Runtime {
  readonly server: McpServer;
  readonly options: ResolvedOptions;
  readonly owners: OwnerResolver;
  readonly levels: LogLevels;
  readonly store: HeadwayTaskStore;
  readonly names: CompanionNames;
  /** How handles, the companion tools and `task://` show a task. */
  readonly view: SummaryView;
}

export function companionNames(prefix: string): CompanionNames {
  return {
    status: `${prefix}task_status`,
    wait: `${prefix}task_wait`,
    result: `${prefix}task_result`,
    cancel: `${prefix}task_cancel`,
    list: `${prefix}task_list`,
    respond: `${prefix}task_respond`,
  };
}
