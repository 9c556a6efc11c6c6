import { SeqRank } from './seq-rank.js';

/** What the run queue needs to know of a task. */
export interface Queueable {
  readonly kind: string;
  readonly seq: number;
  /** True while the item waits in the queue; entries whose flag turned false are skipped. */
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
}

/**
 * FIFO by creation order across kinds, with a global and per-kind concurrency limit.
 * `pump` starts as many queued tasks as the limits allow; positions are O(log n).
 */
export class RunQueue<T extends Queueable> {
  private readonly queues = new Map<string, KindQueue<T>>();
  private readonly waiting = new SeqRank();
  private running = 0;

  constructor(
    private readonly limit: number,
    private readonly kindLimit: (kind: string) => number,
    private readonly start: (item: T) => void,
  ) {}

  push(item: T): void {
    item.queued = true;
    this.waiting.insert(item.seq);
    this.queueOf(item.kind).items.push(item);
    this.pump();
  }

  /** Takes a waiting item out of the queue (it was cancelled). */
  remove(item: T): void {
    if (!item.queued) return;
    item.queued = false;
    this.waiting.delete(item.seq);
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

  get queuedCount(): number {
    return this.waiting.size;
  }

  /** 1-based position among queued items, in creation order. */
  positionOf(item: T): number | undefined {
    return item.queued ? this.waiting.rank(item.seq) + 1 : undefined;
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
      best.head++;
      bestItem.queued = false;
      this.waiting.delete(bestItem.seq);
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
