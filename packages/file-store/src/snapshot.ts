import type { FileHandle } from 'node:fs/promises';
import type { TaskRecord } from '@headway/core/spi';
import { StoreCorruptionError } from './errors.js';
import { readFrames } from './frame-reader.js';
import { encodeFrames, parsePayload, SNAPSHOT_MAGIC } from './framing.js';
import { writeFully } from './fs-util.js';
import { isRecordShape } from './log-ops.js';

/**
 * A snapshot: magic, a header frame {v, gen, seq}, one frame per record, a footer frame
 * {end, count}. `gen` is the first log generation not folded into it. It is written to a temp file,
 * synced and renamed into place, so it is either whole or absent; any damage is corruption.
 */
export interface SnapshotHeader {
  gen: number;
  seq: number;
}

/** Records serialised per slice: each slice is a few ms of CPU, then the loop runs while it is written. */
const SLICE_RECORDS = 1000;

/**
 * Writes the snapshot body to `handle` (not synced) from `records`, a live iterator: it is walked a
 * slice at a time, each slice written before the next is taken, so the event loop never waits on
 * more than one slice. Returns its size.
 */
export async function writeSnapshot(handle: FileHandle, header: SnapshotHeader, records: Iterator<TaskRecord>): Promise<number> {
  let position = 0;
  const write = async (buf: Buffer) => {
    await writeFully(handle, buf, position);
    position += buf.length;
  };
  await write(Buffer.concat([SNAPSHOT_MAGIC, encodeFrames([JSON.stringify({ v: 1, gen: header.gen, seq: header.seq, at: Date.now() })])]));
  let count = 0;
  for (;;) {
    const slice: string[] = [];
    while (slice.length < SLICE_RECORDS) {
      const next = records.next();
      if (next.done) break;
      slice.push(JSON.stringify(next.value));
    }
    if (slice.length > 0) await write(encodeFrames(slice));
    count += slice.length;
    if (slice.length < SLICE_RECORDS) break;
  }
  await write(encodeFrames([JSON.stringify({ end: true, count })]));
  return position;
}

/** Streams a snapshot: each record goes to `onRecord` as it is read. */
export async function readSnapshot(path: string, onRecord: (record: TaskRecord) => void): Promise<SnapshotHeader & { bytes: number }> {
  let header: SnapshotHeader | undefined;
  let footer: { count: number; offset: number } | undefined;
  let count = 0;
  const scan = await readFrames(path, SNAPSHOT_MAGIC, false, (payload, offset) => {
    const value = parsePayload(payload, path, offset);
    if (footer) throw new StoreCorruptionError(path, offset, 'data after the snapshot footer');
    if (!header) {
      if (value.v !== 1 || typeof value.gen !== 'number' || typeof value.seq !== 'number') {
        throw new StoreCorruptionError(path, offset, 'bad snapshot header');
      }
      header = { gen: value.gen, seq: value.seq };
    } else if (value.end === true) {
      footer = { count: Number(value.count), offset };
    } else if (isRecordShape(value)) {
      count++;
      onRecord(value);
    } else {
      throw new StoreCorruptionError(path, offset, 'snapshot entry is not a task record');
    }
  });
  if (!header) throw new StoreCorruptionError(path, scan.bytes, 'snapshot has no header');
  if (!footer) throw new StoreCorruptionError(path, scan.bytes, 'snapshot has no footer (incomplete)');
  if (footer.count !== count) {
    throw new StoreCorruptionError(path, footer.offset, `snapshot footer counts ${footer.count} records, found ${count}`);
  }
  return { ...header, bytes: scan.bytes };
}
