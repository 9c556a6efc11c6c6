// The observability example's settings: the schema-registry's and the file indexer's, with its own
// data directory and `PORT` 3002 (the target of prometheus.yml).
import { registrySettings } from '../schema-registry/settings.js';
import type { RegistrySettings } from '../schema-registry/settings.js';
import { httpSettings } from '../shared/server-settings.js';
import type { HttpSettings } from '../shared/server-settings.js';
import { envInteger } from '../shared/startup.js';

export type ObservabilitySettings = RegistrySettings & HttpSettings & { hashDelayMs: number };

export function observabilitySettings(argv: readonly string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): ObservabilitySettings {
  return { ...registrySettings(argv, env, 'observability'), ...httpSettings(3002, env), hashDelayMs: envInteger('HASH_DELAY_MS', 0, 0, env) };
}
