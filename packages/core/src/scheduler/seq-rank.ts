import { lowerBound } from '../lower-bound.js';
// Items per bucket before it splits: small enough that splicing inside one is cheap.
const BUCKET = 256;

/**
 * A sorted set of numbers (task `seq`s) that answers "how many are smaller than x" in O(log n):
 * sorted buckets of at most `BUCKET` numbers, with a Fenwick tree over the bucket sizes.
 * Appending a number larger than all (a new task) is the common case and the cheapest.
 */
export class SeqRank {
  private buckets: number[][] = [];
  private tree: Int32Array = new Int32Array(1);
  private total = 0;

  get size(): number {
    return this.total;
  }

  insert(seq: number): void {
    const buckets = this.buckets;
    const last = buckets[buckets.length - 1];
    if (last === undefined) {
      buckets.push([seq]);
      this.rebuild();
    } else if (seq > last[last.length - 1]!) {
      if (last.length >= BUCKET) {
        buckets.push([seq]);
        this.rebuild();
      } else {
        last.push(seq);
        this.add(buckets.length - 1, 1);
      }
    } else {
      const b = this.bucketFor(seq);
      const bucket = buckets[b]!;
      const i = lowerBound(bucket, seq);
      if (bucket[i] === seq) return;
      bucket.splice(i, 0, seq);
      if (bucket.length > 2 * BUCKET) {
        buckets.splice(b + 1, 0, bucket.splice(BUCKET));
        this.rebuild();
      } else this.add(b, 1);
    }
    this.total++;
  }

  delete(seq: number): boolean {
    if (this.total === 0) return false;
    const b = this.bucketFor(seq);
    const bucket = this.buckets[b]!;
    const i = lowerBound(bucket, seq);
    if (bucket[i] !== seq) return false;
    bucket.splice(i, 1);
    this.total--;
    if (bucket.length === 0) {
      this.buckets.splice(b, 1);
      this.rebuild();
    } else this.add(b, -1);
    return true;
  }

  /** How many numbers in the set are smaller than `seq`. */
  rank(seq: number): number {
    if (this.total === 0) return 0;
    const b = this.bucketFor(seq);
    return this.prefix(b) + lowerBound(this.buckets[b]!, seq);
  }

  /** The bucket that holds `seq` or would: the first whose largest number is ≥ seq (else the last). */
  private bucketFor(seq: number): number {
    const buckets = this.buckets;
    let lo = 0;
    let hi = buckets.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const bucket = buckets[mid]!;
      if (bucket[bucket.length - 1]! < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Sum of the sizes of buckets before `b`. */
  private prefix(b: number): number {
    let sum = 0;
    for (let i = b; i > 0; i -= i & -i) sum += this.tree[i]!;
    return sum;
  }

  private add(b: number, delta: number): void {
    for (let i = b + 1; i < this.tree.length; i += i & -i) this.tree[i]! += delta;
  }

  private rebuild(): void {
    const n = this.buckets.length;
    const tree = new Int32Array(n + 1);
    for (let i = 1; i <= n; i++) {
      tree[i]! += this.buckets[i - 1]!.length;
      const parent = i + (i & -i);
      if (parent <= n) tree[parent]! += tree[i]!;
    }
    this.tree = tree;
  }
}

