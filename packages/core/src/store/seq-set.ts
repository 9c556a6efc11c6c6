import type { TaskRecord } from '../task-record.js';

const CHUNK = 512;

/** Index of the first element of `items` whose seq is ≥ `seq` (items sorted by seq). */
function lowerBound(items: readonly TaskRecord[], seq: number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (items[mid]!.seq < seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Records ordered by seq, in chunks of at most 2 × 512: adding or removing one costs a binary
 * search and a move within one chunk, whatever the size; walking from a seq starts where it lands.
 * Holds each record once (by identity); records sharing a seq keep their insertion order.
 */
export class SeqSet {
  private chunks: TaskRecord[][] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  add(record: TaskRecord): void {
    this.count++;
    const chunks = this.chunks;
    const last = chunks[chunks.length - 1];
    if (!last) {
      chunks.push([record]);
      return;
    }
    // Creation order is the common case: append to the last chunk.
    if (last[last.length - 1]!.seq <= record.seq) {
      last.push(record);
      if (last.length >= 2 * CHUNK) chunks.splice(chunks.length - 1, 1, last.slice(0, CHUNK), last.slice(CHUNK));
      return;
    }
    const ci = Math.min(this.chunkFor(record.seq + 1), chunks.length - 1);
    const chunk = chunks[ci]!;
    // After any records with the same seq (upper bound).
    chunk.splice(lowerBound(chunk, record.seq + 1), 0, record);
    if (chunk.length >= 2 * CHUNK) chunks.splice(ci, 1, chunk.slice(0, CHUNK), chunk.slice(CHUNK));
  }

  /** Removes this very record; false when it is not in the set. */
  delete(record: TaskRecord): boolean {
    const chunks = this.chunks;
    for (let ci = this.chunkFor(record.seq); ci < chunks.length; ci++) {
      const chunk = chunks[ci]!;
      for (let i = lowerBound(chunk, record.seq); i < chunk.length && chunk[i]!.seq === record.seq; i++) {
        if (chunk[i] !== record) continue;
        chunk.splice(i, 1);
        if (chunk.length === 0) chunks.splice(ci, 1);
        this.count--;
        return true;
      }
      if (chunk.length > 0 && chunk[chunk.length - 1]!.seq > record.seq) return false;
    }
    return false;
  }

  /** Records whose seq is greater than `afterSeq`, in order. */
  *after(afterSeq: number): Generator<TaskRecord> {
    const chunks = this.chunks;
    let ci = this.chunkFor(afterSeq + 1);
    if (ci >= chunks.length) return;
    let i = lowerBound(chunks[ci]!, afterSeq + 1);
    for (; ci < chunks.length; ci++, i = 0) {
      const chunk = chunks[ci]!;
      for (; i < chunk.length; i++) yield chunk[i]!;
    }
  }

  /** Index of the first chunk whose last seq is ≥ `seq` (chunks.length when none). */
  private chunkFor(seq: number): number {
    const chunks = this.chunks;
    let lo = 0;
    let hi = chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const chunk = chunks[mid]!;
      if (chunk[chunk.length - 1]!.seq < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
