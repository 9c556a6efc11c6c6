import { lowerBound } from '../lower-bound.js';

const CHUNK = 128;

/** A run of records in seq order, with their seqs beside them (searching reads plain numbers). */
interface Chunk<T> {
  seqs: number[];
  items: T[];
}


// In place, without the array `splice` allocates for what it removes.
function insertAt<T>(array: T[], at: number, value: T): void {
  for (let k = array.length; k > at; k--) array[k] = array[k - 1]!;
  array[at] = value;
}

function removeAt<T>(array: T[], at: number): void {
  for (let k = at; k < array.length - 1; k++) array[k] = array[k + 1]!;
  array.pop();
}

function last(chunk: Chunk<unknown>): number {
  return chunk.seqs[chunk.seqs.length - 1]!;
}

/**
 * Records ordered by seq, in chunks of at most 2 × 128: adding or removing one costs a binary
 * search and a move within one chunk, whatever the size; walking from a seq starts where it lands.
 * Holds each item once (by identity); records sharing a seq keep their insertion order.
 */
export class SeqSet<T extends { readonly seq: number; readonly id: string }> {
  private chunks: Chunk<T>[] = [];
  private count = 0;
  /** Bumped when records move (added or removed), so that a `walk` finds its place again. */
  private moves = 0;

  get size(): number {
    return this.count;
  }

  add(record: T): void {
    this.count++;
    this.moves++;
    const chunks = this.chunks;
    const seq = record.seq;
    const tail = chunks[chunks.length - 1];
    if (!tail) {
      chunks.push({ seqs: [seq], items: [record] });
      return;
    }
    // Creation order is the common case: append to the last chunk.
    let ci = chunks.length - 1;
    if (last(tail) <= seq) {
      tail.seqs.push(seq);
      tail.items.push(record);
    } else {
      ci = Math.min(this.chunkFor(seq + 1), chunks.length - 1);
      const chunk = chunks[ci]!;
      // After any records with the same seq (upper bound).
      const at = lowerBound(chunk.seqs, seq + 1);
      insertAt(chunk.seqs, at, seq);
      insertAt(chunk.items, at, record);
    }
    const chunk = chunks[ci]!;
    if (chunk.seqs.length >= 2 * CHUNK) {
      chunks.splice(ci, 1, { seqs: chunk.seqs.slice(0, CHUNK), items: chunk.items.slice(0, CHUNK) }, { seqs: chunk.seqs.slice(CHUNK), items: chunk.items.slice(CHUNK) });
    }
  }

  /** Removes this very record; false when it is not in the set. */
  delete(record: T): boolean {
    return this.find(record, true, record);
  }

  /** Puts `next` (same seq) where `record` is, keeping its place; false when `record` is not in the set. */
  replace(record: T, next: T): boolean {
    return this.find(record, false, next);
  }

  private find(record: T, remove: boolean, next: T): boolean {
    const chunks = this.chunks;
    const seq = record.seq;
    for (let ci = this.chunkFor(seq); ci < chunks.length; ci++) {
      const { seqs, items } = chunks[ci]!;
      for (let i = lowerBound(seqs, seq); i < seqs.length && seqs[i] === seq; i++) {
        if (items[i] !== record) continue;
        if (!remove) {
          items[i] = next;
          return true;
        }
        removeAt(seqs, i);
        removeAt(items, i);
        this.moves++;
        if (seqs.length === 0) chunks.splice(ci, 1);
        this.count--;
        return true;
      }
      if (seqs.length > 0 && seqs[seqs.length - 1]! > seq) return false;
    }
    return false;
  }

  /** Records whose seq is greater than `afterSeq`, in order. */
  *after(afterSeq: number): Generator<T> {
    const chunks = this.chunks;
    let ci = this.chunkFor(afterSeq + 1);
    if (ci >= chunks.length) return;
    let i = lowerBound(chunks[ci]!.seqs, afterSeq + 1);
    for (; ci < chunks.length; ci++, i = 0) {
      const items = chunks[ci]!.items;
      for (; i < items.length; i++) yield items[i]!;
    }
  }

  /**
   * Every record in seq order, as a walk that may be paused while the set changes (a snapshot
   * written a batch at a time): a record added behind it is not visited, one added ahead of it is,
   * one removed before it is reached is not, and none is visited twice.
   */
  *walk(): Generator<T> {
    let moves = this.moves;
    let ci = 0;
    let i = 0;
    let lastSeq = -Infinity;
    // Ids already visited at `lastSeq` (records may share a seq): almost always one.
    const visitedAtLastSeq: string[] = [];
    for (;;) {
      const chunks = this.chunks;
      if (moves !== this.moves) {
        // Positions moved while paused: start again at the first record of `lastSeq`.
        moves = this.moves;
        ci = this.chunkFor(lastSeq);
        i = ci < chunks.length ? lowerBound(chunks[ci]!.seqs, lastSeq) : 0;
      }
      const chunk = chunks[ci];
      if (!chunk) return;
      if (i >= chunk.items.length) {
        ci++;
        i = 0;
        continue;
      }
      const seq = chunk.seqs[i]!;
      const record = chunk.items[i++]!;
      if (seq === lastSeq) {
        if (visitedAtLastSeq.includes(record.id)) continue;
      } else {
        lastSeq = seq;
        visitedAtLastSeq.length = 0;
      }
      visitedAtLastSeq.push(record.id);
      yield record;
    }
  }

  /** Index of the first chunk whose last seq is ≥ `seq` (chunks.length when none). */
  private chunkFor(seq: number): number {
    const chunks = this.chunks;
    let lo = 0;
    let hi = chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (last(chunks[mid]!) < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
