import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { DependencyGate } from './dependency-gate.js';
import type { KeyLayout } from './keys.js';

export interface ReconcilerOptions {
  readonly client: Redis;
  readonly keys: KeyLayout;
  readonly intervalMs: number;
  readonly gate: DependencyGate;
  readonly onError: (error: Error) => void;
}

/**
 * Repairs what a process that died mid-step leaves behind: every `intervalMs`, one process of the
 * fleet (a lock with a TTL) checks again every task waiting for dependencies, so a task whose last
 * dependency ended on a worker that died before releasing it still runs.
 */
export class Reconciler {
  private readonly node = randomBytes(8).toString('hex');
  private timer: ReturnType<typeof setInterval> | undefined;
  private running = false;

  constructor(private readonly o: ReconcilerOptions) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.o.intervalMs);
    this.timer.unref?.();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One pass, if no other process holds the lock; resolves with how many tasks it checked. */
  async tick(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    try {
      const locked = await this.o.client.set(this.o.keys.reconcileLock, this.node, 'PX', this.o.intervalMs, 'NX');
      if (locked !== 'OK') return 0;
      return await this.o.gate.recheckAll();
    } catch (error) {
      this.o.onError(error as Error);
      return 0;
    } finally {
      this.running = false;
    }
  }
}
