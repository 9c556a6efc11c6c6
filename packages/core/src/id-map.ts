/** An `IdMap` spreads its entries over 2^SHARD_BITS tables. */
const SHARD_BITS = 6;
/** Probe slots of a new table (a power of two); a table doubles when half full. */
const INITIAL_SLOTS = 16;

// Per process, so that which ids collide cannot be known in advance.
const SEED = (Math.random() * 0x100000000) | 0;

/** FNV-1a over the id's UTF-16 units from a random basis, then mixed so that low and high bits both vary. */
function hashOf(id: string): number {
  let h = SEED;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return h ^ (h >>> 12);
}

/**
 * One shard: open addressing with linear probing. Each probe slot holds the id's hash beside its
 * entry's number (plus one; 0 is empty), so a probe compares numbers and reads an id only when the
 * hashes match, and growing moves numbers without reading a single id. Entries (id, value) sit
 * side by side in insertion order; a deleted one leaves a hole until holes outnumber entries.
 * Pairs, not parallel arrays: a lookup touches one place of each.
 */
class IdTable<V> {
  /** Slot i: its hash at 2i, its entry's number plus one at 2i + 1. */
  private slots = new Int32Array(2 * INITIAL_SLOTS);
  /** Entry e: its id at 2e (undefined once deleted), its value at 2e + 1. */
  private entries: (string | V | undefined)[] = [];
  size = 0;

  private get capacity(): number {
    return this.slots.length >> 1;
  }

  /** The slot holding `id`, or -1 - the empty slot where it would go. */
  private find(id: string, hash: number): number {
    const slots = this.slots;
    const mask = (slots.length >> 1) - 1;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const entry = slots[2 * i + 1]!;
      if (entry === 0) return -1 - i;
      if (slots[2 * i] === hash && this.entries[2 * (entry - 1)] === id) return i;
    }
  }

  get(id: string, hash: number): V | undefined {
    const i = this.find(id, hash);
    return i < 0 ? undefined : (this.entries[2 * this.slots[2 * i + 1]! - 1] as V);
  }

  has(id: string, hash: number): boolean {
    return this.find(id, hash) >= 0;
  }

  /** True when `id` is new. */
  set(id: string, hash: number, value: V): boolean {
    const i = this.find(id, hash);
    if (i >= 0) {
      this.entries[2 * this.slots[2 * i + 1]! - 1] = value;
      return false;
    }
    this.entries.push(id, value);
    this.slots[2 * (-1 - i)] = hash;
    this.slots[2 * (-1 - i) + 1] = this.entries.length >> 1;
    if (++this.size * 2 > this.capacity) this.rebuild(this.capacity * 2);
    return true;
  }

  delete(id: string, hash: number): boolean {
    let i = this.find(id, hash);
    if (i < 0) return false;
    const entry = this.slots[2 * i + 1]! - 1;
    this.entries[2 * entry] = undefined;
    this.entries[2 * entry + 1] = undefined;
    this.size--;
    // Backward-shift deletion: pull later slots of the run into the gap unless that would put
    // them before their home slot, so that every probe still finds its id before an empty slot.
    const slots = this.slots;
    const mask = this.capacity - 1;
    for (let j = (i + 1) & mask; slots[2 * j + 1] !== 0; j = (j + 1) & mask) {
      const home = slots[2 * j]! & mask;
      const stays = i <= j ? home > i && home <= j : home > i || home <= j;
      if (stays) continue;
      slots[2 * i] = slots[2 * j]!;
      slots[2 * i + 1] = slots[2 * j + 1]!;
      i = j;
    }
    slots[2 * i + 1] = 0;
    if (this.entries.length > 2 * (2 * this.size + INITIAL_SLOTS)) {
      // Mostly holes: close them, and give back slots a quarter full or less.
      let capacity = this.capacity;
      while (capacity > INITIAL_SLOTS && this.size * 4 <= capacity / 2) capacity /= 2;
      this.rebuild(capacity);
    }
    return true;
  }

  *values(): Generator<V> {
    const entries = this.entries;
    for (let e = 0; e < entries.length; e += 2) if (entries[e] !== undefined) yield entries[e + 1] as V;
  }

  /** New slots for `capacity`, and entries without holes. */
  private rebuild(capacity: number): void {
    const old = this.entries;
    const renumber = new Int32Array(old.length >> 1);
    const entries: (string | V)[] = [];
    for (let e = 0; e < old.length; e += 2) {
      if (old[e] === undefined) continue;
      entries.push(old[e]!, old[e + 1] as V);
      renumber[e >> 1] = entries.length >> 1;
    }
    const oldSlots = this.slots;
    const slots = new Int32Array(2 * capacity);
    const mask = capacity - 1;
    for (let k = 0; k < oldSlots.length; k += 2) {
      const entry = oldSlots[k + 1]!;
      if (entry === 0) continue;
      const hash = oldSlots[k]!;
      let i = hash & mask;
      while (slots[2 * i + 1] !== 0) i = (i + 1) & mask;
      slots[2 * i] = hash;
      slots[2 * i + 1] = renumber[entry - 1]!;
    }
    this.slots = slots;
    this.entries = entries;
  }
}

/**
 * A map keyed by task id, split over 64 tables by a hash of the id. A single `Map` doubles its
 * table by rehashing every entry at once: at 2^20 entries that blocks the event loop for 100–150
 * ms (2^21: twice that). Here each table grows on its own, a 64th of the entries at a time. Its
 * tables keep each id's hash beside the entry's number (see `IdTable`), which spares memory reads a
 * `Map` makes per lookup: those reads are most of what inserting a million ids costs. Iterates table
 * by table, so not in insertion order; not to be changed while `values()` is being walked.
 */
export class IdMap<V> {
  private readonly shards: IdTable<V>[] = Array.from({ length: 1 << SHARD_BITS }, () => new IdTable<V>());
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(id: string): V | undefined {
    const hash = hashOf(id);
    return this.shardOf(hash).get(id, hash);
  }

  has(id: string): boolean {
    const hash = hashOf(id);
    return this.shardOf(hash).has(id, hash);
  }

  set(id: string, value: V): void {
    const hash = hashOf(id);
    if (this.shardOf(hash).set(id, hash, value)) this.count++;
  }

  delete(id: string): boolean {
    const hash = hashOf(id);
    if (!this.shardOf(hash).delete(id, hash)) return false;
    this.count--;
    return true;
  }

  *values(): Generator<V> {
    for (const shard of this.shards) yield* shard.values();
  }

  // The top bits pick the table; its slots use the low bits.
  private shardOf(hash: number): IdTable<V> {
    return this.shards[hash >>> (32 - SHARD_BITS)]!;
  }
}
