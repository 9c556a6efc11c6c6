import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { crc32 } from './crc32.js';
import { StoreCorruptionError } from './errors.js';
import { FRAME_HEADER_BYTES, MAGIC_BYTES } from './framing.js';

export interface ScanResult {
  /** Offset just past the last intact frame. */
  validEnd: number;
  /** The file's size when it was read. */
  bytes: number;
  /** Set when the file ends in an incomplete or damaged last record (a crash mid-write). */
  torn?: { offset: number; reason: string };
}

const CHUNK_BYTES = 1 << 20;

/** Reads into `buf` from `position` until it is full or the file ends; returns the bytes read. */
async function fill(handle: FileHandle, buf: Buffer, from: number, position: number, until: number): Promise<number> {
  let done = from;
  while (done < until) {
    const { bytesRead } = await handle.read(buf, done, until - done, position + (done - from));
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done - from;
}

async function zeroFrom(handle: FileHandle, position: number, size: number): Promise<boolean> {
  const buf = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, Math.max(1, size - position)));
  while (position < size) {
    const n = await fill(handle, buf, 0, position, Math.min(buf.length, size - position));
    if (n === 0) return true;
    for (let i = 0; i < n; i++) if (buf[i] !== 0) return false;
    position += n;
  }
  return true;
}

/**
 * Streams the frames of a file in chunks (memory: one chunk, or one frame when a frame is larger;
 * no size ceiling). `onFrame` gets each payload (a view valid only during the call) and its
 * offset. With `allowTornTail`, damage confined to the last record is reported as `torn`; any
 * other damage throws `StoreCorruptionError` naming the file and offset.
 */
export async function readFrames(
  file: string,
  magic: Buffer,
  allowTornTail: boolean,
  onFrame: (payload: Buffer, offset: number) => void,
): Promise<ScanResult> {
  const handle = await open(file, 'r');
  try {
    const size = (await handle.stat()).size;
    let buf = Buffer.allocUnsafe(Math.max(MAGIC_BYTES, Math.min(CHUNK_BYTES, size)));
    const head = await fill(handle, buf, 0, 0, Math.min(MAGIC_BYTES, size));
    if (head < MAGIC_BYTES) {
      if (allowTornTail && magic.subarray(0, head).equals(buf.subarray(0, head))) {
        return { validEnd: 0, bytes: size, torn: { offset: 0, reason: 'file header incomplete' } };
      }
      throw new StoreCorruptionError(file, 0, 'file header missing or damaged');
    }
    if (!buf.subarray(0, MAGIC_BYTES).equals(magic)) throw new StoreCorruptionError(file, 0, 'not a file-store file of the expected kind');
    let offset = MAGIC_BYTES; // file offset of buf[start]
    let start = 0;
    let filled = 0; // bytes of buf holding file data from `offset - start`
    let position = MAGIC_BYTES; // next file position to read
    const torn = (reason: string): ScanResult => {
      if (!allowTornTail) throw new StoreCorruptionError(file, offset, reason);
      return { validEnd: offset, bytes: size, torn: { offset, reason } };
    };
    /** Makes at least `need` bytes from `start` available (fewer only at the end of the file). */
    const ensure = async (need: number): Promise<number> => {
      if (filled - start >= need) return filled - start;
      if (start > 0) {
        buf.copy(buf, 0, start, filled);
        filled -= start;
        start = 0;
      }
      if (need > buf.length) {
        const bigger = Buffer.allocUnsafe(need);
        buf.copy(bigger, 0, 0, filled);
        buf = bigger;
      }
      filled += await fill(handle, buf, filled, position, Math.min(buf.length, filled + (size - position)));
      position = offset + filled;
      return filled - start;
    };
    while (offset < size) {
      const rest = size - offset;
      if ((await ensure(Math.min(rest, FRAME_HEADER_BYTES))) < Math.min(rest, FRAME_HEADER_BYTES)) return torn('file changed while read');
      if (rest < FRAME_HEADER_BYTES) return torn('record header cut short');
      const length = buf.readUInt32LE(start);
      if (((~length) >>> 0) !== buf.readUInt32LE(start + 4)) {
        if (await zeroFrom(handle, offset, size)) return torn('zero-filled tail');
        throw new StoreCorruptionError(file, offset, 'record header checksum mismatch');
      }
      if (length > rest - FRAME_HEADER_BYTES) return torn(`record of ${length} bytes cut short at ${rest - FRAME_HEADER_BYTES}`);
      const frameBytes = FRAME_HEADER_BYTES + length;
      await ensure(frameBytes);
      const payload = buf.subarray(start + FRAME_HEADER_BYTES, start + frameBytes);
      if (crc32(payload) !== buf.readUInt32LE(start + 8)) {
        if (offset + frameBytes === size) return torn('last record checksum mismatch');
        throw new StoreCorruptionError(file, offset, 'record checksum mismatch');
      }
      onFrame(payload, offset);
      offset += frameBytes;
      start += frameBytes;
    }
    return { validEnd: offset, bytes: size };
  } finally {
    await handle.close();
  }
}
