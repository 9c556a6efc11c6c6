/** What the run queue needs to know of a task. */
export interface Queueable {
  readonly kind: string;
  readonly seq: number;
  /** Entries whose `queued` turned false while waiting are skipped (cancelled, failed). */
  queued: boolean;
}

class KindQueue<T extends Queueable> {
  items: T[] = [];
  head = 0;
  running = 0;

  peek(): T | undefined {
    while (this.head < this.items.length && !this.items[this.head]!.queued) this.head++;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return this.items[this.head];
  }

  shift(): T | undefined {
    const item = this.peek();
    if (item) this.head++;
    return item;
  }
}

/**
 * FIFO by creation order across kinds, with a global and per-kind concurrency limit.
 * `pump` starts as many queued tasks as the limits allow.
 */
export class RunQueue<T extends Queueable> {
  private readonly queues = new Map<string, KindQueue<T>>();
  private running = 0;

  constructor(
    private readonly limit: number,
    private readonly kindLimit: (kind: string) => number,
    private readonly start: (item: T) => void,
  ) {}

  push(item: T): void {
    item.queued = true;
    this.queueOf(item.kind).items.push(item);
    this.pump();
  }

  /** Frees the slot a started item held. */
  release(item: T): void {
    this.running--;
    this.queueOf(item.kind).running--;
    this.pump();
  }

  get runningCount(): number {
    return this.running;
  }

  /** 1-based position among queued items, in the order they would start. */
  positionOf(item: T): number | undefined {
    if (!item.queued) return undefined;
    let ahead = 0;
    for (const q of this.queues.values()) {
      for (let i = q.head; i < q.items.length; i++) {
        const other = q.items[i]!;
        if (other.queued && other.seq < item.seq) ahead++;
      }
    }
    return ahead + 1;
  }

  private pump(): void {
    while (this.running < this.limit) {
      let best: KindQueue<T> | undefined;
      let bestItem: T | undefined;
      for (const q of this.queues.values()) {
        const item = q.peek();
        if (!item || q.running >= this.kindLimit(item.kind)) continue;
        if (!bestItem || item.seq < bestItem.seq) {
          best = q;
          bestItem = item;
        }
      }
      if (!best || !bestItem) return;
      best.shift();
      bestItem.queued = false;
      this.running++;
      best.running++;
      this.start(bestItem);
    }
  }

  private queueOf(kind: string): KindQueue<T> {
    let q = this.queues.get(kind);
    if (!q) this.queues.set(kind, (q = new KindQueue<T>()));
    return q;
  }
}
