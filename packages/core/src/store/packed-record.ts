import type { TaskRecord, TaskStatus } from '../task-record.js';

/** What the store's indexes read of a record; a live record has these, and so has a packed one. */
export interface IndexedRecord {
  readonly id: string;
  readonly owner: string;
  readonly kind: string;
  readonly seq: number;
  readonly status: TaskStatus;
  readonly expiresAt?: number | undefined;
}

/**
 * A finished record kept as its JSON text beside the few fields the indexes read. A finished record
 * never changes again (only delete or sweep remove it), so it need not be a graph of objects: two
 * objects instead of ten or more per record let the garbage collector walk a store of a million
 * finished records quickly. Decoded on each read, so every read gets its own copy.
 */
export class PackedRecord implements IndexedRecord {
  constructor(
    readonly id: string,
    readonly owner: string,
    readonly kind: string,
    readonly seq: number,
    readonly status: TaskStatus,
    readonly expiresAt: number | undefined,
    /** The whole record, as `JSON.stringify` wrote it. */
    readonly json: string,
  ) {}

  decode(): TaskRecord {
    return JSON.parse(this.json) as TaskRecord;
  }
}

/** Packs a record (JSON-serialisable: values JSON cannot hold are lost, as in a file). */
export function pack(record: TaskRecord): PackedRecord {
  const expiresAt = typeof record.expiresAt === 'number' ? record.expiresAt : undefined;
  return new PackedRecord(record.id, record.owner, record.kind, record.seq, record.status, expiresAt, JSON.stringify(record));
}

/** The JSON text of a stored entry, packed or live. */
export function recordJson(entry: IndexedRecord): string {
  return entry instanceof PackedRecord ? entry.json : JSON.stringify(entry);
}
