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
  declare readonly id: string;
  declare readonly owner: string;
  declare readonly kind: string;
  declare readonly seq: number;
  declare readonly status: TaskStatus;
  declare readonly expiresAt: number | undefined;
  declare private batch: PackedBatch | undefined;
  /** The record's text, or its batch's, which holds it at `start`..`end` (sliced when read). */
  declare private text: string;
  declare private start: number;
  declare private end: number;

  /** Never called: records are made by `of`. */
  private constructor() {}

  /** `json` is the whole record as `JSON.stringify` wrote it, or with `batch`, the batch's text holding it at `start`..`end`. */
  static of(
    id: string,
    owner: string,
    kind: string,
    seq: number,
    status: TaskStatus,
    expiresAt: number | undefined,
    json: string,
    batch?: PackedBatch,
    start = 0,
    end = json.length,
  ): PackedRecord {
    // An object literal, not `new`: V8 sees that the objects made at a literal live long and then
    // allocates them in the old generation at once, where those made by `new` are first copied
    // twice by the young generation's collector (a fifth of the time taken to open a file store of
    // a million records went to those copies).
    const record = { __proto__: PackedRecord.prototype, id, owner, kind, seq, status, expiresAt, batch, text: json, start, end } as unknown as PackedRecord;
    batch?.join(record);
    return record;
  }

  /** The whole record, as `JSON.stringify` wrote it. */
  get json(): string {
    const text = this.text;
    return this.start === 0 && this.end === text.length ? text : text.slice(this.start, this.end);
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
    this.text = Buffer.from(this.json, 'utf8').toString('utf8');
    this.start = 0;
    this.end = this.text.length;
  }
}

/**
 * Records read together (a snapshot batch) whose texts are parts of one string: one large string
 * the garbage collector never copies, instead of a thousand small ones it copies twice each (each
 * record keeps where its part starts and ends, and slices it when read). That string stays alive
 * while any of them is held, so once three quarters of a batch are gone, the records left get
 * texts of their own.
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
  return PackedRecord.of(record.id, record.owner, record.kind, record.seq, record.status, expiresAt, JSON.stringify(record));
}

/** The JSON text of a stored entry, packed or live. */
export function recordJson(entry: IndexedRecord): string {
  return entry instanceof PackedRecord ? entry.json : JSON.stringify(entry);
}
