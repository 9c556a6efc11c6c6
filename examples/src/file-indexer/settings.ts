// The file indexer's settings, from its first argument and the environment.
import { httpSettings, serverSettings } from '../shared/server-settings.js';
import type { HttpSettings, ServerSettings } from '../shared/server-settings.js';
import { envInteger } from '../shared/startup.js';

export interface IndexerSettings extends ServerSettings {
  /** `HASH_DELAY_MS`: a pause after each file hashed, standing in for slow storage. Default 0. */
  hashDelayMs: number;
}

export function indexerSettings(argv: readonly string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): IndexerSettings {
  return { ...serverSettings('file-indexer', argv, env), hashDelayMs: envInteger('HASH_DELAY_MS', 0, 0, env) };
}

/** The HTTP server's: `PORT` defaults to 3001. */
export function indexerHttpSettings(argv: readonly string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): IndexerSettings & HttpSettings {
  return { ...indexerSettings(argv, env), ...httpSettings(3001, env) };
}
