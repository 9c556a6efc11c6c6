// Settings every example server reads, from its first argument and the environment.
import { chooseDataDir, ensureWritableDir } from './data-dir.js';
import { envInteger } from './startup.js';

export interface ServerSettings {
  /** First argument, else `HEADWAY_DATA_DIR`, else the per-user directory of the example (checked writable). */
  dataDir: string;
  /** `INLINE_BUDGET_MS`: how long an `auto` call stays inline before it answers with a task id. Default 10 000. */
  inlineBudgetMs: number;
}

export interface HttpSettings {
  /** `PORT` (0: any free port). */
  port: number;
  /** `SESSION_IDLE_MS`: an MCP session with no request open for this long is closed. Default 30 minutes. */
  sessionIdleMs: number;
}

export function serverSettings(app: string, argv: readonly string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): ServerSettings {
  return {
    dataDir: ensureWritableDir(chooseDataDir(app, argv[0], env)),
    inlineBudgetMs: envInteger('INLINE_BUDGET_MS', 10_000, 1, env),
  };
}

export function httpSettings(defaultPort: number, env: NodeJS.ProcessEnv = process.env): HttpSettings {
  return {
    port: envInteger('PORT', defaultPort, 0, env),
    sessionIdleMs: envInteger('SESSION_IDLE_MS', 30 * 60_000, 1, env),
  };
}
