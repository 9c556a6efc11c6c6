import { constants } from 'node:fs';
import { open, readdir, stat, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { MemoryTaskStore } from '@headway/core/spi';
import { StoreCorruptionError } from './errors.js';
import { readFrames } from './frame-reader.js';
import type { ScanResult } from './frame-reader.js';
import { encodeFrame, LOG_MAGIC, parsePayload } from './framing.js';
import { fsyncDir, writeFully } from './fs-util.js';
import { logGen, logName, logPath, SNAPSHOT_FILE, SNAPSHOT_TEMP } from './layout.js';
import { headerOp, putPacked, putRecord, replayOp, sealOp } from './log-ops.js';
import type { ReplayState } from './log-ops.js';
import { readSnapshot } from './snapshot.js';

export interface Recovered {
  /** The records, indexed. */
  index: MemoryTaskStore;
  seq: number;
  /** The log to append to, positioned at its end. */
  gen: number;
  handle: FileHandle;
  size: number;
  snapshotBytes: number;
}

/** The bytes a new log starts with: its magic and its segment header. */
function logStart(gen: number): Buffer {
  return Buffer.concat([LOG_MAGIC, encodeFrame(headerOp(gen))]);
}

/**
 * Creates a log file holding only its magic and header, synced, and makes its name durable. It is
 * opened with `flags` (plus create-exclusive) for appending.
 */
export async function createLog(dir: string, gen: number, flags: number): Promise<{ handle: FileHandle; size: number }> {
  const handle = await open(logPath(dir, gen), flags | constants.O_CREAT | constants.O_EXCL);
  try {
    const start = logStart(gen);
    await writeFully(handle, start, 0);
    await handle.sync();
    await fsyncDir(dir);
    return { handle, size: start.length };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

interface LogScan extends ScanResult {
  /** The successor this log was sealed with, if it was. */
  sealedNext?: number;
}

/**
 * Replays one log into `state`. The first frame must be the segment header naming this very
 * generation; a seal, if any, must be the last frame. With `allowTornTail`, damage confined to the
 * last record is reported as `torn` (a crash mid-write).
 */
async function replayLog(path: string, gen: number, state: ReplayState, allowTornTail: boolean): Promise<LogScan> {
  let frames = 0;
  let sealedNext: number | undefined;
  const result = await readFrames(path, LOG_MAGIC, allowTornTail, (payload, offset) => {
    const op = parsePayload(payload, path, offset);
    if (frames++ === 0) {
      if (op.o !== 'h') throw new StoreCorruptionError(path, offset, 'log segment header missing');
      if (op.g !== gen || op.p !== gen - 1) {
        throw new StoreCorruptionError(path, offset, `log segment header names generation ${String(op.g)} after ${String(op.p)}, expected ${gen} after ${gen - 1}`);
      }
      return;
    }
    if (sealedNext !== undefined) throw new StoreCorruptionError(path, offset, 'record after the seal of the log segment');
    if (op.o === 's') {
      if (op.n !== gen + 1) throw new StoreCorruptionError(path, offset, `log segment sealed naming generation ${String(op.n)} as its successor, expected ${gen + 1}`);
      sealedNext = op.n;
      return;
    }
    replayOp(state, op, path, offset);
  });
  if (frames === 0 && !result.torn) {
    // Only the magic: a crash while the newest log was being created, else damage.
    if (!allowTornTail) throw new StoreCorruptionError(path, result.validEnd, 'log segment header missing');
    return { validEnd: result.validEnd, bytes: result.bytes, torn: { offset: result.validEnd, reason: 'log segment header missing' } };
  }
  return { ...result, ...(sealedNext !== undefined && { sealedNext }) };
}

/**
 * Loads a directory: the snapshot (if any), then every log from the snapshot's generation on.
 * Recovery proves the chain complete: the snapshot names the first log after it, every log's
 * header names itself and its predecessor, and a log is sealed naming its successor once that
 * exists; so a missing segment (first, middle or newest) is a `StoreCorruptionError`, never a
 * silent loss. Leftovers of an interrupted compaction are removed; a torn tail of the newest log is
 * dropped (and of the one before it when it is the seal a crash cut short).
 */
export async function recover(dir: string, warn: (message: string) => void, flags: number): Promise<Recovered> {
  const names = await readdir(dir);
  if (names.includes(SNAPSHOT_TEMP)) await unlink(join(dir, SNAPSHOT_TEMP));
  const state: ReplayState = { index: new MemoryTaskStore({ packFinished: true }), seq: 0 };
  const hasSnapshot = names.includes(SNAPSHOT_FILE);
  let firstGen = 1;
  let snapshotBytes = 0;
  if (hasSnapshot) {
    const snapshot = await readSnapshot(join(dir, SNAPSHOT_FILE), {
      record: (record) => putRecord(state, record),
      packed: (record) => putPacked(state, record),
    });
    if (snapshot.seq > state.seq) state.seq = snapshot.seq;
    firstGen = snapshot.gen;
    snapshotBytes = snapshot.bytes;
  }
  const gens = names.map(logGen).filter((g): g is number => g !== undefined).sort((a, b) => a - b);
  const live = gens.filter((g) => g >= firstGen);
  if (live[0] !== firstGen && (hasSnapshot || live.length > 0)) {
    const why = hasSnapshot ? `the snapshot ${join(dir, SNAPSHOT_FILE)} names it as the first log after it` : 'no snapshot, so the first log must be generation 1';
    throw new StoreCorruptionError(logPath(dir, firstGen), 0, `log segment missing (${why})`);
  }
  for (let i = 1; i < live.length; i++) {
    if (live[i] !== live[i - 1]! + 1) throw new StoreCorruptionError(logPath(dir, live[i - 1]! + 1), 0, `log segment missing (${logName(live[i]!)} follows it)`);
  }
  if (live.length === 0) {
    // A new store: nothing on disk yet.
    const created = await createLog(dir, firstGen, flags);
    return finish(state, firstGen, created.handle, created.size, snapshotBytes);
  }
  const newest = live[live.length - 1]!;
  // The newest log holds only its header (or less) when a crash came during a rotation: then the
  // log before it may end in a seal cut short.
  const newestEmpty = (await stat(logPath(dir, newest))).size <= logStart(newest).length;
  for (const gen of gens.filter((g) => g < firstGen)) await unlink(logPath(dir, gen));
  for (const gen of live) {
    const path = logPath(dir, gen);
    const last = gen === newest;
    const beforeLast = gen === newest - 1;
    const scan = await replayLog(path, gen, state, last || (beforeLast && newestEmpty));
    if (!last && scan.validEnd < logStart(gen).length) throw new StoreCorruptionError(path, scan.validEnd, 'log segment header missing or damaged');
    if (scan.sealedNext !== undefined && last) {
      throw new StoreCorruptionError(logPath(dir, scan.sealedNext), 0, `log segment missing (${path} is sealed naming it as its successor)`);
    }
    if (!last && scan.sealedNext === undefined) {
      if (!beforeLast) throw new StoreCorruptionError(path, scan.validEnd, `log segment not sealed although ${logName(gen + 1)} follows it`);
      // A crash between creating the newest log and sealing this one: seal it now.
      if (scan.torn) warn(`Dropped a torn seal in ${path} at byte offset ${scan.torn.offset} (${scan.torn.reason}); a rotation was interrupted, nothing lost`);
      await repair(path, scan.validEnd, encodeFrame(sealOp(gen + 1)));
      continue;
    }
    if (!last) continue;
    if (scan.torn) {
      warn(`Dropped a torn last record in ${path} at byte offset ${scan.torn.offset} (${scan.torn.reason}); ${scan.bytes - scan.validEnd} bytes discarded, everything before kept`);
    }
    const handle = await open(path, flags);
    try {
      if (scan.validEnd < logStart(gen).length) {
        // Torn within its own header: the crash came while the log was being created.
        const start = logStart(gen);
        await handle.truncate(0);
        await writeFully(handle, start, 0);
        await handle.sync();
        return finish(state, gen, handle, start.length, snapshotBytes);
      }
      if (scan.torn) {
        await handle.truncate(scan.validEnd);
        await handle.sync();
      }
      return finish(state, gen, handle, scan.validEnd, snapshotBytes);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }
  throw new Error('unreachable: the newest log returns');
}

/** Truncates `path` to `end`, appends `tail`, and syncs it. */
async function repair(path: string, end: number, tail: Buffer): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.truncate(end);
    await writeFully(handle, tail, end);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function finish(state: ReplayState, gen: number, handle: FileHandle, size: number, snapshotBytes: number): Recovered {
  return { index: state.index, seq: state.seq, gen, handle, size, snapshotBytes };
}
