import type { MemoryTaskStore, PackedRecord, TaskRecord } from '@headway/core/spi';
import { StoreCorruptionError } from './errors.js';

/**
 * Log operations, one per frame. Replay is idempotent (create replaces, update assigns, delete
 * removes), so replaying a record the snapshot already reflects is harmless.
 *   {"o":"c","r":record}                       create
 *   {"o":"u","i":id,"p":patch,"x":[keys]}      update; `x` lists keys set to undefined
 *   {"o":"d","i":id,"q":seq}                   delete; `q` keeps nextSeq monotonic
 *   {"o":"q","q":seq}                          seqs handed out by nextSeq, written on close
 * Two more frames chain the segments, so recovery can prove none is missing:
 *   {"o":"h","g":gen,"p":prev}                 segment header, the first frame of every log
 *   {"o":"s","n":next}                         seal, the last frame of a log once `next` exists
 */
export interface ReplayState {
  /** Replay goes straight into the index the store will use (one copy of each record). */
  index: MemoryTaskStore;
  seq: number;
}

/** Stores `record` under its id, replacing any record there (create, and snapshot entries). */
export function putRecord(state: ReplayState, record: TaskRecord): void {
  state.index.adopt(record, true);
  if (record.seq > state.seq) state.seq = record.seq;
}

/** Stores a finished record read packed, replacing any record there (snapshot entries). */
export function putPacked(state: ReplayState, record: PackedRecord): void {
  state.index.adoptPacked(record, true);
  if (record.seq > state.seq) state.seq = record.seq;
}

export function createOp(recordJson: string): string {
  return `{"o":"c","r":${recordJson}}`;
}

export function updateOp(id: string, patchJson: string, unset: readonly string[]): string {
  const x = unset.length > 0 ? `,"x":${JSON.stringify(unset)}` : '';
  return `{"o":"u","i":${JSON.stringify(id)},"p":${patchJson}${x}}`;
}

export function deleteOp(id: string, seq: number): string {
  return `{"o":"d","i":${JSON.stringify(id)},"q":${seq}}`;
}

/** First frame of log `gen`: names the segment itself and its predecessor (0 for the first log). */
export function headerOp(gen: number): string {
  return `{"o":"h","g":${gen},"p":${gen - 1}}`;
}

/** Last frame of a log whose successor `next` has been created (and made durable). */
export function sealOp(next: number): string {
  return `{"o":"s","n":${next}}`;
}

export function seqOp(seq: number): string {
  return `{"o":"q","q":${seq}}`;
}

export function isRecordShape(value: unknown): value is TaskRecord {
  const r = value as Partial<TaskRecord> | null;
  return (
    typeof r === 'object' && r !== null && typeof r.id === 'string' && typeof r.owner === 'string' &&
    typeof r.kind === 'string' && typeof r.seq === 'number' && typeof r.status === 'string'
  );
}

export function replayOp(state: ReplayState, op: Record<string, unknown>, file: string, offset: number): void {
  switch (op.o) {
    case 'c': {
      if (!isRecordShape(op.r)) break;
      putRecord(state, op.r);
      return;
    }
    case 'u': {
      if (typeof op.i !== 'string' || typeof op.p !== 'object' || op.p === null) break;
      // A missing record was deleted later in the same log, after a snapshot that left it out.
      state.index.restore(op.i, op.p as Record<string, unknown>, Array.isArray(op.x) ? op.x.map(String) : []);
      return;
    }
    case 'q': {
      if (typeof op.q !== 'number') break;
      if (op.q > state.seq) state.seq = op.q;
      return;
    }
    case 'd': {
      if (typeof op.i !== 'string') break;
      state.index.delete(op.i);
      if (typeof op.q === 'number' && op.q > state.seq) state.seq = op.q;
      return;
    }
  }
  throw new StoreCorruptionError(file, offset, 'unknown or malformed log operation');
}
