// How the example servers read their settings and fail at startup: one line naming what is wrong,
// on stderr, and exit code 1; never a stack trace.

/** A setting that is wrong; its message is what the user reads. */
export class SettingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettingError';
  }
}

/** A whole number ≥ `min` from the environment variable `name`, else `fallback`. */
export function envInteger(name: string, fallback: number, min = 0, env: NodeJS.ProcessEnv = process.env): number {
  const text = env[name];
  if (text === undefined || text.trim() === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) throw new SettingError(`${name} must be a whole number ≥ ${min}, got ${JSON.stringify(text)}`);
  return value;
}

/**
 * Runs a server's startup: an error the user can act on (a `SettingError`, a data directory that
 * cannot be written, …) prints `<app>: <message>` and exits 1.
 */
export async function startOrExit<T>(app: string, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${app}: ${message.split('\n')[0]}\n`);
    process.exit(1);
  }
}
