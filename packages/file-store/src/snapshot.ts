import { readFile } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import type { TaskRecord } from '@headway/core/spi';
import { StoreCorruptionError } from './errors.js';
import { encodeFrame, parsePayload, scanFrames, SNAPSHOT_MAGIC } from './framing.js';
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

const CHUNK_BYTES = 1 << 20;

/** Writes the snapshot body to `handle` (not synced); returns its size. */
export async function writeSnapshot(handle: FileHandle, header: SnapshotHeader, pages: AsyncIterable<TaskRecord[]>): Promise<number> {
  let position = 0;
  let chunk: Buffer[] = [SNAPSHOT_MAGIC, encodeFrame(JSON.stringify({ v: 1, gen: header.gen, seq: header.seq, at: Date.now() }))];
  let chunkBytes = 0;
  let count = 0;
  const flush = async () => {
    const buf = Buffer.concat(chunk);
    chunk = [];
    chunkBytes = 0;
    await writeFully(handle, buf, position);
    position += buf.length;
  };
  for await (const page of pages) {
    for (const record of page) {
      const frame = encodeFrame(JSON.stringify(record));
      chunk.push(frame);
      chunkBytes += frame.length;
      count++;
    }
    if (chunkBytes >= CHUNK_BYTES) await flush();
  }
  chunk.push(encodeFrame(JSON.stringify({ end: true, count })));
  await flush();
  return position;
}

export async function readSnapshot(path: string): Promise<SnapshotHeader & { records: TaskRecord[]; bytes: number }> {
  const buf = await readFile(path);
  let header: SnapshotHeader | undefined;
  let footer: { count: number; offset: number } | undefined;
  const records: TaskRecord[] = [];
  scanFrames(buf, path, SNAPSHOT_MAGIC, false, (payload, offset) => {
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
      records.push(value);
    } else {
      throw new StoreCorruptionError(path, offset, 'snapshot entry is not a task record');
    }
  });
  if (!header) throw new StoreCorruptionError(path, buf.length, 'snapshot has no header');
  if (!footer) throw new StoreCorruptionError(path, buf.length, 'snapshot has no footer (incomplete)');
  if (footer.count !== records.length) {
    throw new StoreCorruptionError(path, footer.offset, `snapshot footer counts ${footer.count} records, found ${records.length}`);
  }
  return { ...header, records, bytes: buf.length };
}
