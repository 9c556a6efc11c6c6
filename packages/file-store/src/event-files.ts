import { join } from 'node:path';

const EVENT_FILE = /^events-(\d{6,})\.jsonl$/;
export const EVENT_LOCK_FILE = 'EVENTS.LOCK';

export function eventFileName(n: number): string {
  return `events-${String(n).padStart(6, '0')}.jsonl`;
}

/** Event files in `names`, oldest first. */
export function eventFiles(dir: string, names: readonly string[]): { n: number; path: string }[] {
  return names
    .map((name) => ({ name, match: EVENT_FILE.exec(name) }))
    .filter((e): e is { name: string; match: RegExpExecArray } => e.match !== null)
    .map((e) => ({ n: Number(e.match[1]), path: join(dir, e.name) }))
    .sort((a, b) => a.n - b.n);
}
