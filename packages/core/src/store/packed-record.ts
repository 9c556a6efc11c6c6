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
  private batch: PackedBatch | undefined;

  constructor(
    readonly id: string,
    readonly owner: string,
    readonly kind: string,
    readonly seq: number,
    readonly status: TaskStatus,
    readonly expiresAt: number | undefined,
    /** The whole record, as `JSON.stringify` wrote it (or a slice of its batch's text). */
    public json: string,
    batch?: PackedBatch,
  ) {
    if (batch) {
      this.batch = batch;
      batch.join(this);
    }
  }

  decode(): TaskRecord {
    return JSON.parse(this.json) as TaskRecord;
  }

  /** The store no longer holds this record. */
  release(): void {
    const batch = this.batch;
    this.batch = undefined;
    batch?.leave();
  }

  /** Gives this record a text of its own, so its batch's text can go. */
  detach(batch: PackedBatch): void {
    if (this.batch !== batch) return;
    this.batch = undefined;
    this.json = Buffer.from(this.json, 'utf8').toString('utf8');
  }
}

/**
 * Records read together (a snapshot batch) whose texts are slices of one string: one large string
 * the garbage collector never copies, instead of a thousand small ones it copies twice each. A
 * slice keeps the whole string alive, so once three quarters of a batch are gone, the records left
 * get texts of their own.
 */
export class PackedBatch {
  private records: PackedRecord[] = [];
  private live = 0;

  join(record: PackedRecord): void {
    this.records.push(record);
    this.live++;
  }

  leave(): void {
    this.live--;
    if (this.live * 4 > this.records.length) return;
    const records = this.records;
    this.records = [];
    for (const record of records) record.detach(this);
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
