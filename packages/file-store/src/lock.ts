import { readFileSync } from 'node:fs';
import { open, readFile, stat, unlink } from 'node:fs/promises';
import { hostname as osHostname } from 'node:os';
import { join } from 'node:path';
import { StoreLockedError } from './errors.js';
import { fsyncDir, isErrno } from './fs-util.js';

/** What a lock file holds. `procStart` and `bootId` tell a live holder from a reused pid (Linux). */
export interface LockInfo {
  pid: number;
  hostname: string;
  acquiredAt: number;
  procStart?: string;
  bootId?: string;
}

function readProc(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Fields 3 and on of /proc/<pid>/stat (state first), Linux only. */
function procStat(pid: number | 'self'): string[] | undefined {
  const stat = readProc(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  // The command name (field 2) may contain spaces and parentheses: split after the last ')'.
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** Start time of a process in clock ticks since boot (field 22 of /proc/<pid>/stat), Linux only. */
function processStart(pid: number | 'self'): string | undefined {
  return procStat(pid)?.[19];
}

function bootId(): string | undefined {
  return readProc('/proc/sys/kernel/random/boot_id')?.trim();
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return isErrno(error, 'EPERM');
  }
  // A killed process its parent has not reaped yet (a zombie, state Z) still answers signal 0,
  // but holds no files any more: restarting right after a SIGKILL must not find it alive.
  return procStat(pid)?.[0] !== 'Z';
}

/** True when the holder certainly no longer runs; a holder on another host is assumed alive. */
export function isStale(info: LockInfo): boolean {
  if (info.hostname !== osHostname()) return false;
  const boot = bootId();
  if (info.bootId && boot && info.bootId !== boot) return true;
  if (!pidAlive(info.pid)) return true;
  if (info.procStart !== undefined) {
    const start = processStart(info.pid);
    if (start !== undefined && start !== info.procStart) return true;
  }
  return false;
}

function parseLock(text: string): LockInfo | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockInfo>;
    if (typeof value.pid === 'number' && typeof value.hostname === 'string') return value as LockInfo;
  } catch {
    // fall through
  }
  return undefined;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One writer per directory: `<dir>/<name>` created with O_EXCL holds the holder's pid, host and
 * start time. A lock whose holder is dead is broken under a second, short-lived lock
 * (`<name>.break`) after re-checking that it did not change, so two recoverers cannot both win.
 */
export class DirectoryLock {
  private constructor(
    readonly directory: string,
    readonly path: string,
    private readonly content: string,
  ) {}

  static async acquire(directory: string, name = 'LOCK'): Promise<DirectoryLock> {
    const path = join(directory, name);
    const procStart = processStart('self');
    const boot = bootId();
    const info: LockInfo = {
      pid: process.pid,
      hostname: osHostname(),
      acquiredAt: Date.now(),
      ...(procStart !== undefined && { procStart }),
      ...(boot !== undefined && { bootId: boot }),
    };
    const content = `${JSON.stringify(info)}\n`;
    for (let attempt = 0; ; attempt++) {
      try {
        const handle = await open(path, 'wx');
        try {
          await handle.writeFile(content);
          await handle.sync();
        } finally {
          await handle.close();
        }
        await fsyncDir(directory);
        return new DirectoryLock(directory, path, content);
      } catch (error) {
        if (!isErrno(error, 'EEXIST')) throw error;
      }
      const existing = await readFile(path, 'utf8').catch((error: unknown) => (isErrno(error, 'ENOENT') ? undefined : Promise.reject(error)));
      if (existing === undefined) continue;
      const holder = parseLock(existing);
      if (holder && !isStale(holder)) throw new StoreLockedError(directory, holder, holder.pid === process.pid && holder.hostname === info.hostname);
      if (!holder) {
        // Unreadable: its creator may be between create and write. Give it a moment before calling it stale.
        const age = Date.now() - (await stat(path).then((s) => s.mtimeMs, () => Date.now()));
        if (age < 2_000 && attempt < 40) {
          await sleep(50);
          continue;
        }
      }
      if (attempt > 40) throw new Error(`Could not recover the stale lock ${path}`);
      await breakStale(directory, path, existing);
    }
  }

  /** Removes the lock file if it is still ours. */
  async release(): Promise<void> {
    const current = await readFile(this.path, 'utf8').catch(() => undefined);
    if (current === this.content) await unlink(this.path).catch(() => undefined);
  }
}

async function breakStale(directory: string, path: string, observed: string): Promise<void> {
  const breakPath = `${path}.break`;
  for (let i = 0; ; i++) {
    try {
      const handle = await open(breakPath, 'wx');
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      break;
    } catch (error) {
      if (!isErrno(error, 'EEXIST')) throw error;
      // A breaker that died mid-break leaves its file behind; after a while anyone may remove it.
      const age = Date.now() - (await stat(breakPath).then((s) => s.mtimeMs, () => Date.now()));
      if (age > 5_000) await unlink(breakPath).catch(() => undefined);
      else if (i > 200) throw new Error(`Timed out waiting for ${breakPath}`);
      else await sleep(25);
    }
  }
  try {
    const now = await readFile(path, 'utf8').catch(() => undefined);
    if (now === observed) {
      await unlink(path);
      await fsyncDir(directory);
    }
  } finally {
    await unlink(breakPath).catch(() => undefined);
  }
}
