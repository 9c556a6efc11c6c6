import { InvalidArgumentError, TASK_STATUSES } from '@headway/core';
import type { TaskPatch, TaskRecord } from '@headway/core/spi';

/** Fields a patch may not change: they place the record in the indexes or identify it. */
const IMMUTABLE = new Set(['id', 'owner', 'kind', 'seq', 'createdAt']);

function json(argument: string, value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new InvalidArgumentError(argument, value, `JSON-serialisable data (${(error as Error).message})`);
  }
  if (text === undefined) throw new InvalidArgumentError(argument, value, 'JSON-serialisable data');
  return text;
}

/** The record as hash field/value pairs: every top-level key that has a value, values as JSON. */
export function recordFields(record: TaskRecord): string[] {
  const pairs: string[] = [];
  for (const [key, value] of Object.entries(record)) {
    if (value === undefined) continue;
    pairs.push(key, json(`record.${key}`, value));
  }
  return pairs;
}

export interface EncodedPatch {
  /** Fields to set, as field/value pairs. */
  set: string[];
  /** Fields the patch sets to `undefined`: removed from the record. */
  unset: string[];
}

export function patchFields(patch: TaskPatch): EncodedPatch {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) throw new InvalidArgumentError('patch', patch, 'an object');
  const set: string[] = [];
  const unset: string[] = [];
  for (const [key, value] of Object.entries(patch)) {
    if (IMMUTABLE.has(key)) throw new InvalidArgumentError(`patch.${key}`, value, `no ${key}: it cannot change after create`);
    if (key === 'status' && !TASK_STATUSES.includes(value as never)) {
      throw new InvalidArgumentError('patch.status', value, TASK_STATUSES.join(' | '));
    }
    if (value === undefined) unset.push(key);
    else set.push(key, json(`patch.${key}`, value));
  }
  return { set, unset };
}

/** A record from HGETALL's flat field/value list; a fresh object every time (callers may mutate it). */
export function decodeRecord(fields: readonly string[]): TaskRecord {
  const record: Record<string, unknown> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) record[fields[i]!] = JSON.parse(fields[i + 1]!);
  return record as unknown as TaskRecord;
}
