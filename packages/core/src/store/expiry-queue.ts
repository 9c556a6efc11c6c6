
/**
 * Finished records by expiry time (a binary min-heap), so a sweep costs the records it removes,
 * not the records in the store. Entries are checked when taken: a record deleted since is skipped.
 */
export class ExpiryQueue<T> {
  private readonly times: number[] = [];
  private readonly records: T[] = [];

  get size(): number {
    return this.times.length;
  }

  push(record: T, expiresAt: number): void {
    const times = this.times;
    const records = this.records;
    let i = times.length;
    times.push(expiresAt);
    records.push(record);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (times[parent]! <= expiresAt) break;
      times[i] = times[parent]!;
      records[i] = records[parent]!;
      i = parent;
    }
    times[i] = expiresAt;
    records[i] = record;
  }

  /** The earliest entry, if due at `now`, removed; undefined otherwise. */
  popDue(now: number): { record: T; expiresAt: number } | undefined {
    const times = this.times;
    if (times.length === 0 || times[0]! > now) return undefined;
    const records = this.records;
    const top = { record: records[0]!, expiresAt: times[0]! };
    const lastTime = times.pop()!;
    const lastRecord = records.pop()!;
    const n = times.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= n) break;
        const right = left + 1;
        const child = right < n && times[right]! < times[left]! ? right : left;
        if (times[child]! >= lastTime) break;
        times[i] = times[child]!;
        records[i] = records[child]!;
        i = child;
      }
      times[i] = lastTime;
      records[i] = lastRecord;
    }
    return top;
  }
}
