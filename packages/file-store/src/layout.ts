import { join } from 'node:path';

/** File names inside a store directory. */
export const LOCK_FILE = 'LOCK';
export const SNAPSHOT_FILE = 'snapshot.hws';
export const SNAPSHOT_TEMP = 'snapshot.hws.tmp';
const LOG_PATTERN = /^log-(\d{10})\.hwl$/;

export function logName(gen: number): string {
  return `log-${String(gen).padStart(10, '0')}.hwl`;
}

export function logGen(name: string): number | undefined {
  const match = LOG_PATTERN.exec(name);
  return match ? Number(match[1]) : undefined;
}

export function logPath(dir: string, gen: number): string {
  return join(dir, logName(gen));
}
