import { open, readdir, readFile, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { TaskRecord } from '@headway/core/spi';
import { StoreCorruptionError } from './errors.js';
import { LOG_MAGIC, MAGIC_BYTES, parsePayload, scanFrames } from './framing.js';
import { fsyncDir, isErrno, writeFully } from './fs-util.js';
import { logGen, logName, logPath, SNAPSHOT_FILE, SNAPSHOT_TEMP } from './layout.js';
import { replayOp } from './log-ops.js';
import type { ReplayState } from './log-ops.js';
import { readSnapshot } from './snapshot.js';

export interface Recovered {
  /** Records sorted by seq. */
  records: TaskRecord[];
  seq: number;
  /** The log to append to, positioned at its end. */
  gen: number;
  handle: FileHandle;
  size: number;
  snapshotBytes: number;
}

/** Creates a log file holding only its magic, synced, and makes its name durable. */
export async function createLog(dir: string, gen: number): Promise<FileHandle> {
  const handle = await open(logPath(dir, gen), 'wx+');
  try {
    await writeFully(handle, LOG_MAGIC, 0);
    await handle.sync();
    await fsyncDir(dir);
    return handle;
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/**
 * Loads a directory: the snapshot (if any), then every log from the snapshot's generation on.
 * Leftovers of an interrupted compaction are removed; a torn tail of the newest log is dropped.
 */
export async function recover(dir: string, warn: (message: string) => void): Promise<Recovered> {
  const names = await readdir(dir);
  if (names.includes(SNAPSHOT_TEMP)) await unlink(join(dir, SNAPSHOT_TEMP));
  const state: ReplayState = { records: new Map(), seq: 0 };
  let firstGen = 1;
  let snapshotBytes = 0;
  if (names.includes(SNAPSHOT_FILE)) {
    const snapshot = await readSnapshot(join(dir, SNAPSHOT_FILE));
    state.seq = snapshot.seq;
    for (const record of snapshot.records) {
      state.records.set(record.id, record);
      if (record.seq > state.seq) state.seq = record.seq;
    }
    firstGen = snapshot.gen;
    snapshotBytes = snapshot.bytes;
  }
  const gens = names.map(logGen).filter((g): g is number => g !== undefined).sort((a, b) => a - b);
  for (const gen of gens.filter((g) => g < firstGen)) await unlink(logPath(dir, gen));
  const live = gens.filter((g) => g >= firstGen);
  if (live.length > 0 && live[0] !== firstGen) {
    const missing = logName(firstGen);
    throw new StoreCorruptionError(join(dir, missing), 0, `log segment missing (${names.includes(SNAPSHOT_FILE) ? 'named by the snapshot' : 'no snapshot, so the first log must be generation 1'})`);
  }
  for (let i = 1; i < live.length; i++) {
    if (live[i] !== live[i - 1]! + 1) throw new StoreCorruptionError(join(dir, logName(live[i - 1]! + 1)), 0, 'log segment missing');
  }
  for (const [i, gen] of live.entries()) {
    const path = logPath(dir, gen);
    const last = i === live.length - 1;
    const buf = await readFile(path);
    const result = scanFrames(buf, path, LOG_MAGIC, last, (payload, offset) => replayOp(state, parsePayload(payload, path, offset), path, offset));
    if (result.torn) {
      warn(`Dropped a torn last record in ${path} at byte offset ${result.torn.offset} (${result.torn.reason}); ${buf.length - result.validEnd} bytes discarded, everything before kept`);
      const handle = await open(path, 'r+');
      try {
        if (result.validEnd < MAGIC_BYTES) {
          await handle.truncate(0);
          await writeFully(handle, LOG_MAGIC, 0);
          await handle.sync();
          return finish(state, gen, handle, MAGIC_BYTES, snapshotBytes);
        }
        await handle.truncate(result.validEnd);
        await handle.sync();
        return finish(state, gen, handle, result.validEnd, snapshotBytes);
      } catch (error) {
        await handle.close();
        throw error;
      }
    }
    if (last) {
      const handle = await open(path, 'r+');
      return finish(state, gen, handle, buf.length, snapshotBytes);
    }
  }
  const gen = firstGen;
  let handle: FileHandle;
  try {
    handle = await createLog(dir, gen);
  } catch (error) {
    if (!isErrno(error, 'EEXIST')) throw error;
    handle = await open(logPath(dir, gen), 'r+');
  }
  return finish(state, gen, handle, MAGIC_BYTES, snapshotBytes);
}

function finish(state: ReplayState, gen: number, handle: FileHandle, size: number, snapshotBytes: number): Recovered {
  const records = [...state.records.values()].sort((a, b) => a.seq - b.seq);
  return { records, seq: state.seq, gen, handle, size, snapshotBytes };
}
