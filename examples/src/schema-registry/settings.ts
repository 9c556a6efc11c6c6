// The example server's settings, from its first argument and the environment. The defaults show
// long-running behaviour: 200 subjects per context at 100 ms a registry round trip make a clear
// take about 20 s and a full count about 40 s, past the 10 s inline budget.
import { chooseDataDir, ensureWritableDir } from '../shared/data-dir.js';
import { envInteger } from '../shared/startup.js';

export interface RegistrySettings {
  /** Registry, task store, event log and exports (checked writable). */
  dataDir: string;
  /** `REGISTRY_LATENCY_MS`: each registry operation's round trip. Default 100. */
  latencyMs: number;
  /** `REGISTRY_SEED_SUBJECTS`: subjects seeded into `dev` and `staging` when they are empty. Default 200. */
  seedSubjects: number;
  /** `INLINE_BUDGET_MS`: how long an `auto` call stays inline before it answers with a task id. Default 10 000. */
  inlineBudgetMs: number;
}

export interface HttpSettings extends RegistrySettings {
  /** `PORT` (0: any free port). Default 3000. */
  port: number;
  /** `SESSION_IDLE_MS`: an MCP session with no request for this long is closed. Default 30 minutes. */
  sessionIdleMs: number;
}

export function registrySettings(argv: readonly string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): RegistrySettings {
  return {
    dataDir: ensureWritableDir(chooseDataDir('schema-registry', argv[0], env)),
    latencyMs: envInteger('REGISTRY_LATENCY_MS', 100, 0, env),
    seedSubjects: envInteger('REGISTRY_SEED_SUBJECTS', 200, 0, env),
    inlineBudgetMs: envInteger('INLINE_BUDGET_MS', 10_000, 1, env),
  };
}

export function httpSettings(argv: readonly string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): HttpSettings {
  return {
    ...registrySettings(argv, env),
    port: envInteger('PORT', 3000, 0, env),
    sessionIdleMs: envInteger('SESSION_IDLE_MS', 30 * 60_000, 1, env),
  };
}
