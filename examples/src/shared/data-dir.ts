// Where an example keeps its data: a per-user directory by default, so a server launched the way
// desktop clients launch it (working directory `/`, no arguments) still has somewhere to write.
import { accessSync, constants, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

/**
 * The per-user data directory of an example: `$XDG_DATA_HOME/headway/<app>` (default
 * `~/.local/share/headway/<app>`) on Linux, `~/Library/Application Support/headway/<app>` on macOS,
 * `%LOCALAPPDATA%\headway\<app>` on Windows.
 */
export function defaultDataDir(app: string, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return join(env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'headway', app);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'headway', app);
  const xdg = env.XDG_DATA_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(homedir(), '.local', 'share'), 'headway', app);
}

/** The data directory chosen by the first argument, else `HEADWAY_DATA_DIR`, else the per-user default. */
export function chooseDataDir(app: string, argument: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = argument ?? (env.HEADWAY_DATA_DIR || undefined);
  return chosen === undefined ? defaultDataDir(app, env) : resolve(chosen);
}

/** The directory cannot be created or written: its message names it and says how to choose another. */
export class DataDirError extends Error {
  constructor(
    readonly dir: string,
    reason: string,
  ) {
    super(`cannot write to the data directory ${dir} (${reason}); pass another directory as the first argument or set HEADWAY_DATA_DIR`);
    this.name = 'DataDirError';
  }
}

/** Creates `dir` if needed and proves it writable (a probe file written and removed); else a `DataDirError`. */
export function ensureWritableDir(dir: string): string {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
    const probe = join(dir, `.write-probe-${process.pid}`);
    writeFileSync(probe, '');
    rmSync(probe, { force: true });
    return dir;
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    // "EACCES: permission denied, mkdir '/x'" → "EACCES: permission denied"
    throw new DataDirError(dir, e.message.split(',')[0]!);
  }
}
