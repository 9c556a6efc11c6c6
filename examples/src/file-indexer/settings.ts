// The file indexer's settings, from its first argument and the environment.
import { chooseDataDir, ensureWritableDir } from '../shared/data-dir.js';
import { envInteger } from '../shared/startup.js';

export interface IndexerSettings {
  /** Tasks, event log, work files and indexes (checked writable). */
  dataDir: string;
  /** `HASH_DELAY_MS`: a pause after each file hashed, standing in for slow storage. Default 0. */
  hashDelayMs: number;
  /** `INLINE_BUDGET_MS`: how long an `auto` call stays inline before it answers with a task id. Default 10 000. */
  inlineBudgetMs: number;
}

export interface IndexerHttpSettings extends IndexerSettings {
  /** `PORT` (0: any free port). Default 3001. */
  port: number;
  /** `SESSION_IDLE_MS`: an MCP session with no request for this long is closed. Default 30 minutes. */
  sessionIdleMs: number;
}

export function indexerSettings(argv: readonly string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): IndexerSettings {
  return {
    dataDir: ensureWritableDir(chooseDataDir('file-indexer', argv[0], env)),
    hashDelayMs: envInteger('HASH_DELAY_MS', 0, 0, env),
    inlineBudgetMs: envInteger('INLINE_BUDGET_MS', 10_000, 1, env),
  };
}

export function indexerHttpSettings(argv: readonly string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): IndexerHttpSettings {
  return {
    ...indexerSettings(argv, env),
    port: envInteger('PORT', 3001, 0, env),
    sessionIdleMs: envInteger('SESSION_IDLE_MS', 30 * 60_000, 1, env),
  };
}
