import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CompanionNames } from './companion-names.js';
import type { LogLevels } from './log-levels.js';
import type { ResolvedOptions } from './options.js';
import type { OwnerResolver } from './owner.js';
import type { HeadwayTaskStore } from './task-store-adapter.js';
import type { SummaryView } from './task-summary.js';

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
