// The example server's settings, from its first argument and the environment. The defaults show
// long-running behaviour: 200 subjects per context at 100 ms a registry round trip make a clear
// take about 20 s and a full count about 40 s, past the 10 s inline budget.
import { httpSettings, serverSettings } from '../shared/server-settings.js';
import type { HttpSettings, ServerSettings } from '../shared/server-settings.js';
import { envInteger } from '../shared/startup.js';

export interface RegistrySettings extends ServerSettings {
  /** `REGISTRY_LATENCY_MS`: each registry operation's round trip. Default 100. */
  latencyMs: number;
  /** `REGISTRY_SEED_SUBJECTS`: subjects seeded into `dev` and `staging` when they are empty. Default 200. */
  seedSubjects: number;
}

export function registrySettings(argv: readonly string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env, app = 'schema-registry'): RegistrySettings {
  return {
    ...serverSettings(app, argv, env),
    latencyMs: envInteger('REGISTRY_LATENCY_MS', 100, 0, env),
    seedSubjects: envInteger('REGISTRY_SEED_SUBJECTS', 200, 0, env),
  };
}

/** The HTTP server's: `PORT` defaults to 3000. */
export function registryHttpSettings(argv: readonly string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): RegistrySettings & HttpSettings {
  return { ...registrySettings(argv, env), ...httpSettings(3000, env) };
}
