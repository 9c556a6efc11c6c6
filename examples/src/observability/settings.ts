// The observability example's settings, from its first argument and the environment.
import { chooseDataDir, ensureWritableDir } from '../shared/data-dir.js';
import { envInteger } from '../shared/startup.js';

export interface ObservabilitySettings {
  /** Tasks, event log (the file log sink), registry, indexes (checked writable). */
  dataDir: string;
  /** `PORT` (0: any free port). Default 3002, the target of `prometheus.yml`. */
  port: number;
  sessionIdleMs: number;
  inlineBudgetMs: number;
  /** `REGISTRY_SEED_SUBJECTS` (default 200) and `REGISTRY_LATENCY_MS` (default 100), as in schema-registry. */
  seedSubjects: number;
  latencyMs: number;
  /** `HASH_DELAY_MS` (default 0), as in file-indexer. */
  hashDelayMs: number;
}

export function observabilitySettings(argv: readonly string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): ObservabilitySettings {
  return {
    dataDir: ensureWritableDir(chooseDataDir('observability', argv[0], env)),
    port: envInteger('PORT', 3002, 0, env),
    sessionIdleMs: envInteger('SESSION_IDLE_MS', 30 * 60_000, 1, env),
    inlineBudgetMs: envInteger('INLINE_BUDGET_MS', 10_000, 1, env),
    seedSubjects: envInteger('REGISTRY_SEED_SUBJECTS', 200, 0, env),
    latencyMs: envInteger('REGISTRY_LATENCY_MS', 100, 0, env),
    hashDelayMs: envInteger('HASH_DELAY_MS', 0, 0, env),
  };
}
