import type { FileHandle } from 'node:fs/promises';
import { isTerminal, TASK_STATUSES } from '@headway/core';
import type { TaskStatus } from '@headway/core';
import { PackedBatch, PackedRecord, recordJson } from '@headway/core/spi';
import type { IndexedRecord, TaskRecord } from '@headway/core/spi';
import { StoreCorruptionError } from './errors.js';
import { readFrames } from './frame-reader.js';
import { encodeFrames, parsePayload, SNAPSHOT_MAGIC } from './framing.js';
import { writeFully } from './fs-util.js';
import { isRecordShape } from './log-ops.js';

/**
 * A snapshot: magic, a header frame {v, gen, seq}, the records, a footer frame {end, count}. `gen`
 * is the first log generation not folded into it. It is written to a temp file, synced and renamed
 * into place, so it is either whole or absent; any damage is corruption.
 *
 * Version 1 has one frame per record (its JSON). Version 2 (written since) has one frame per batch
 * of records: a line of JSON `{"s":[strings],"r":[...]}` giving, for each record, its id, owner
 * (index into `s`), kind (index), seq, status (index), expiresAt (or null) and the length of its
 * JSON (in UTF-16 code units, as JavaScript counts), followed by the records' JSON texts back to
 * back. Opening decodes the texts as one string, reads the few fields the indexes need from that
 * line and keeps a finished record's text as a part of that string (packed, see `PackedRecord` and
 * `PackedBatch`), parsing only records still in progress; one checksum covers a whole batch.
 */
export interface SnapshotHeader {
  gen: number;
  seq: number;
}

export interface SnapshotSink {
  /** A record in progress (decoded), or a finished one from a version 1 snapshot. */
  record(record: TaskRecord): void;
  /** A finished record, kept as its JSON text. */
  packed(record: PackedRecord): void;
}

/** At most this many records per batch (one frame; the event loop runs between batches). */
const BATCH_RECORDS = 1000;
/** And a batch ends once its records' JSON reaches this many characters. */
const BATCH_CHARS = 512 * 1024;
const FIELDS = 7;
const STATUS: ReadonlyMap<string, TaskStatus> = new Map(TASK_STATUSES.map((s) => [s, s]));

/**
 * Writes the snapshot body to `handle` (not synced) from `records`, a live iterator: it is walked a
 * batch at a time, each batch written before the next is taken, so the event loop never waits on
 * more than one batch. Returns its size.
 */
export async function writeSnapshot(handle: FileHandle, header: SnapshotHeader, records: Iterator<IndexedRecord>): Promise<number> {
  let position = 0;
  const write = async (buf: Buffer) => {
    await writeFully(handle, buf, position);
    position += buf.length;
  };
  await write(Buffer.concat([SNAPSHOT_MAGIC, encodeFrames([JSON.stringify({ v: 2, gen: header.gen, seq: header.seq, at: Date.now() })])]));
  let count = 0;
  for (;;) {
    const batch = takeBatch(records);
    if (batch.count > 0) await write(encodeFrames([batch.payload]));
    count += batch.count;
    if (batch.done) break;
  }
  await write(encodeFrames([JSON.stringify({ end: true, count })]));
  return position;
}

function takeBatch(records: Iterator<IndexedRecord>): { payload: string; count: number; done: boolean } {
  const strings: string[] = [];
  const stringIndex = new Map<string, number>();
  const intern = (s: string): number => {
    let i = stringIndex.get(s);
    if (i === undefined) {
      i = strings.push(s) - 1;
      stringIndex.set(s, i);
    }
    return i;
  };
  const fields: (string | number | null)[] = [];
  const texts: string[] = [];
  let chars = 0;
  let done = false;
  while (texts.length < BATCH_RECORDS && chars < BATCH_CHARS) {
    const next = records.next();
    if (next.done) {
      done = true;
      break;
    }
    const r = next.value;
    const json = recordJson(r);
    const expiresAt = typeof r.expiresAt === 'number' && Number.isFinite(r.expiresAt) ? r.expiresAt : null;
    fields.push(r.id, intern(r.owner), intern(r.kind), r.seq, intern(r.status), expiresAt, json.length);
    texts.push(json);
    chars += json.length;
  }
  return { payload: `${JSON.stringify({ s: strings, r: fields })}\n${texts.join('')}`, count: texts.length, done };
}

/** Streams a snapshot: each record goes to `sink` as it is read. */
export async function readSnapshot(path: string, sink: SnapshotSink): Promise<SnapshotHeader & { bytes: number }> {
  let header: (SnapshotHeader & { v: number }) | undefined;
  let footer: { count: number; offset: number } | undefined;
  let count = 0;
  const scan = await readFrames(path, SNAPSHOT_MAGIC, false, (payload, offset) => {
    if (footer) throw new StoreCorruptionError(path, offset, 'data after the snapshot footer');
    if (header?.v === 2) {
      const line = payload.indexOf(10);
      const head = parsePayload(line < 0 ? payload : payload.subarray(0, line), path, offset);
      if (head.end === true) footer = { count: Number(head.count), offset };
      else if (line < 0) throw new StoreCorruptionError(path, offset, 'snapshot batch has no records');
      else count += readBatch(head, payload, line + 1, sink, path, offset);
      return;
    }
    const value = parsePayload(payload, path, offset);
    if (!header) {
      if ((value.v !== 1 && value.v !== 2) || typeof value.gen !== 'number' || typeof value.seq !== 'number') {
        throw new StoreCorruptionError(path, offset, 'bad snapshot header');
      }
      header = { v: value.v, gen: value.gen, seq: value.seq };
    } else if (value.end === true) {
      footer = { count: Number(value.count), offset };
    } else if (isRecordShape(value)) {
      count++;
      sink.record(value);
    } else {
      throw new StoreCorruptionError(path, offset, 'snapshot entry is not a task record');
    }
  });
  if (!header) throw new StoreCorruptionError(path, scan.bytes, 'snapshot has no header');
  if (!footer) throw new StoreCorruptionError(path, scan.bytes, 'snapshot has no footer (incomplete)');
  if (footer.count !== count) {
    throw new StoreCorruptionError(path, footer.offset, `snapshot footer counts ${footer.count} records, found ${count}`);
  }
  return { gen: header.gen, seq: header.seq, bytes: scan.bytes };
}

/** Reads one version 2 batch whose texts start at `from` in `payload`; returns how many records it held. */
function readBatch(head: Record<string, unknown>, payload: Buffer, from: number, sink: SnapshotSink, path: string, offset: number): number {
  const bad = (why: string): never => {
    throw new StoreCorruptionError(path, offset, `snapshot batch ${why}`);
  };
  const { s: strings, r: fields } = head;
  if (!Array.isArray(strings) || !Array.isArray(fields) || fields.length % FIELDS !== 0) return bad('has a malformed index line');
  const text = (i: unknown): string => {
    const value = typeof i === 'number' ? (strings[i] as unknown) : undefined;
    return typeof value === 'string' ? value : bad('names a string it does not hold');
  };
  const texts = payload.toString('utf8', from);
  let batch: PackedBatch | undefined;
  let at = 0;
  for (let k = 0; k < fields.length; k += FIELDS) {
    const id = fields[k] as unknown;
    const seq = fields[k + 3] as unknown;
    const status = STATUS.get(text(fields[k + 4]));
    const expiresAt = fields[k + 5] as unknown;
    const length = fields[k + 6] as unknown;
    if (typeof id !== 'string' || typeof seq !== 'number' || status === undefined || (expiresAt !== null && typeof expiresAt !== 'number')) {
      return bad('has a malformed record entry');
    }
    if (typeof length !== 'number' || !Number.isInteger(length) || length < 2 || at + length > texts.length) return bad('has a record length that does not fit');
    const start = at;
    at += length;
    if (isTerminal(status)) {
      batch ??= new PackedBatch();
      sink.packed(PackedRecord.of(id, text(fields[k + 1]), text(fields[k + 2]), seq, status, expiresAt ?? undefined, texts, batch, start, at));
      continue;
    }
    const json = texts.slice(start, at);
    let record: unknown;
    try {
      record = JSON.parse(json);
    } catch {
      return bad('holds a record that is not valid JSON');
    }
    if (!isRecordShape(record) || record.id !== id) return bad('holds an entry that is not a task record');
    sink.record(record);
  }
  if (at !== texts.length) bad('has text after its last record');
  return fields.length / FIELDS;
}
