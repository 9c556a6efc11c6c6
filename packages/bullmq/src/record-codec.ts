import { InvalidArgumentError, TASK_STATUSES } from '@headway/core';
import type { TaskPatch, TaskRecord } from '@headway/core/spi';

/** Fields a patch may not change: they place the record in the indexes or identify it. */
const IMMUTABLE = new Set(['id', 'owner', 'kind', 'seq', 'createdAt']);

/**
 * Separates names and values in one script argument. JSON text never holds it (JSON.stringify
 * escapes control characters), and a field name may not: one argument per write instead of two
 * per field keeps the command small to build and to parse.
 */
export const SEPARATOR = '\0';

/** `value` as JSON; a value that has none is refused, naming `${what}.${key}`. */
function json(what: string, key: string, value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new InvalidArgumentError(`${what}.${key}`, value, `JSON-serialisable data (${(error as Error).message})`);
  }
  if (text === undefined) throw new InvalidArgumentError(`${what}.${key}`, value, 'JSON-serialisable data');
  return text;
}

function checkName(argument: string, key: string): void {
  if (key.includes(SEPARATOR)) throw new InvalidArgumentError(argument, key, 'a field name without NUL characters');
}

/** Fields packed for a script: how many name/value pairs, and the pairs joined by `SEPARATOR`. */
export interface PackedFields {
  readonly count: number;
  readonly packed: string;
}

/** The record as packed hash fields: every top-level key that has a value, values as JSON. */
export function recordFields(record: TaskRecord): PackedFields {
  // Joined once: one flat string to send, not a chain of concatenations.
  const parts: string[] = [];
  for (const key in record) {
    const value = (record as unknown as Record<string, unknown>)[key];
    if (value === undefined || !Object.hasOwn(record, key)) continue;
    checkName('record key', key);
    parts.push(key, json('record', key, value));
  }
  return { count: parts.length / 2, packed: parts.join(SEPARATOR) };
}

export interface EncodedPatch {
  /** Fields to set, packed. */
  readonly set: PackedFields;
  /** Fields the patch sets to `undefined` (removed from the record), packed. */
  readonly unset: PackedFields;
}

export function patchFields(patch: TaskPatch): EncodedPatch {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) throw new InvalidArgumentError('patch', patch, 'an object');
  const set: string[] = [];
  const unset: string[] = [];
  for (const key in patch) {
    if (!Object.hasOwn(patch, key)) continue;
    const value = (patch as Record<string, unknown>)[key];
    if (IMMUTABLE.has(key)) throw new InvalidArgumentError(`patch.${key}`, value, `no ${key}: it cannot change after create`);
    if (key === 'status' && !TASK_STATUSES.includes(value as never)) {
      throw new InvalidArgumentError('patch.status', value, TASK_STATUSES.join(' | '));
    }
    checkName('patch key', key);
    if (value === undefined) unset.push(key);
    else set.push(key, json('patch', key, value));
  }
  return { set: { count: set.length / 2, packed: set.join(SEPARATOR) }, unset: { count: unset.length, packed: unset.join(SEPARATOR) } };
}

/** A record from HGETALL's flat field/value list; a fresh object every time (callers may mutate it). */
export function decodeRecord(fields: readonly string[]): TaskRecord {
  const record: Record<string, unknown> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) record[fields[i]!] = JSON.parse(fields[i + 1]!);
  return record as unknown as TaskRecord;
}

/** A record a script returned as one JSON object (`recordJson` in scripts.ts); a fresh object every time. */
export function parseRecord(text: string): TaskRecord {
  return JSON.parse(text) as TaskRecord;
}
