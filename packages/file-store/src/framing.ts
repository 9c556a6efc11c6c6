import { InvalidArgumentError } from '@headway/core';
import { crc32 } from './crc32.js';
import { StoreCorruptionError } from './errors.js';

/**
 * Frame: u32 length, u32 ~length (guards the length itself), u32 crc32(payload), payload (UTF-8 JSON).
 * All little-endian. Files start with an 8-byte magic naming their kind.
 */
export const FRAME_HEADER_BYTES = 12;
export const MAGIC_BYTES = 8;
export const MAX_PAYLOAD_BYTES = 256 * 1024 * 1024;

export const LOG_MAGIC = Buffer.from('HWFSLOG1', 'latin1');
export const SNAPSHOT_MAGIC = Buffer.from('HWFSSNP1', 'latin1');

export function encodeFrame(json: string): Buffer {
  const length = Buffer.byteLength(json);
  if (length > MAX_PAYLOAD_BYTES) {
    throw new InvalidArgumentError('record', `${length} bytes`, `at most ${MAX_PAYLOAD_BYTES} bytes once serialised`);
  }
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + length);
  frame.write(json, FRAME_HEADER_BYTES, length, 'utf8');
  frame.writeUInt32LE(length, 0);
  frame.writeUInt32LE(~length >>> 0, 4);
  frame.writeUInt32LE(crc32(frame.subarray(FRAME_HEADER_BYTES)), 8);
  return frame;
}

/** Checks a payload fits in a frame, before anything is applied. */
export function checkPayloadSize(json: string): void {
  if (json.length * 3 > MAX_PAYLOAD_BYTES && Buffer.byteLength(json) > MAX_PAYLOAD_BYTES) {
    throw new InvalidArgumentError('record', `${Buffer.byteLength(json)} bytes`, `at most ${MAX_PAYLOAD_BYTES} bytes once serialised`);
  }
}

/** Frames a batch of payloads into one buffer. */
export function encodeFrames(payloads: readonly string[]): Buffer {
  let total = 0;
  const lengths = payloads.map((p) => {
    const n = Buffer.byteLength(p);
    total += FRAME_HEADER_BYTES + n;
    return n;
  });
  const buf = Buffer.allocUnsafe(total);
  let offset = 0;
  for (let i = 0; i < payloads.length; i++) {
    const length = lengths[i]!;
    const start = offset + FRAME_HEADER_BYTES;
    buf.write(payloads[i]!, start, length, 'utf8');
    buf.writeUInt32LE(length, offset);
    buf.writeUInt32LE(~length >>> 0, offset + 4);
    buf.writeUInt32LE(crc32(buf.subarray(start, start + length)), offset + 8);
    offset = start + length;
  }
  return buf;
}

export function parsePayload(payload: Buffer, file: string, offset: number): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(payload.toString('utf8'));
  } catch {
    throw new StoreCorruptionError(file, offset, 'record is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new StoreCorruptionError(file, offset, 'record is not a JSON object');
  }
  return value as Record<string, unknown>;
}
