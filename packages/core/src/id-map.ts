/** An `IdMap` spreads its entries over 2^SHARD_BITS maps. */
const SHARD_BITS = 6;

/**
 * A map keyed by task id, split over 64 maps by a hash of the id. A single `Map` doubles its table
 * by rehashing every entry at once: at 2^20 entries that blocks the event loop for 100–150 ms
 * (2^21: twice that). Here each rehash moves a 64th of the entries. Iterates shard by shard, so
 * not in insertion order.
 */
export class IdMap<V> {
  private readonly shards: Map<string, V>[] = Array.from({ length: 1 << SHARD_BITS }, () => new Map<string, V>());
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(id: string): V | undefined {
    return this.shardOf(id).get(id);
  }

  has(id: string): boolean {
    return this.shardOf(id).has(id);
  }

  set(id: string, value: V): void {
    const shard = this.shardOf(id);
    const before = shard.size;
    shard.set(id, value);
    this.count += shard.size - before;
  }

  delete(id: string): boolean {
    if (!this.shardOf(id).delete(id)) return false;
    this.count--;
    return true;
  }

  *values(): Generator<V> {
    for (const shard of this.shards) yield* shard.values();
  }

  // Ids this library issues are random base64url; others (chosen by a caller) may share a prefix
  // or a suffix, hence characters from both ends and the middle.
  private shardOf(id: string): Map<string, V> {
    const n = id.length;
    if (n === 0) return this.shards[0]!;
    const chars = (((id.charCodeAt(0) * 31 + id.charCodeAt(n >> 1)) * 31 + id.charCodeAt(Math.max(0, n - 2))) * 31 + id.charCodeAt(n - 1)) | 0;
    // Fibonacci hashing: the top bits of the product depend on every bit of `chars`.
    return this.shards[Math.imul(chars, 0x9e3779b1) >>> (32 - SHARD_BITS)]!;
  }
}
