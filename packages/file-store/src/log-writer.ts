import type { FileHandle } from 'node:fs/promises';
import { writeFully } from './fs-util.js';

export type Durability = 'fsync' | 'os';

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

interface Rotation {
  open: () => Promise<{ handle: FileHandle; size: number }>;
  /** Appended (and synced) to the old file once the new one exists, before the switch. */
  seal?: string;
  /** Runs synchronously right after the switch, before any later write reaches the new file. */
  onSwitched: () => void;
}

/** At most this many writes per batch, so encoding one never holds the event loop for long. */
const MAX_BATCH = 4096;

type Entry = { payload: string; waiter: Waiter } | { rotation: Rotation; waiter: Waiter };

/**
 * Appends frames to one file at a time with group commit: while one batch is being written and
 * synced, new frames queue up, and the next batch writes (and syncs) them all at once. An idle
 * writer starts a batch at once (after the current synchronous code, in a microtask, so writes
 * issued together share it); no turn of the event loop is waited for. A rotation takes its place
 * in the queue: frames queued before it go to the old file, later ones to the new.
 */
export class LogWriter {
  private queue: Entry[] = [];
  private running = false;
  private scheduled = false;
  private idle: (() => void)[] = [];
  /** Set once a write or sync failed: the file may end in a partial batch, so nothing more is written. */
  failure: unknown;

  /**
   * `encode` turns a batch of payloads into the bytes to append (frames, or lines). With
   * `durableWrites`, the file was opened with O_DSYNC: each write returns once the data is on disk
   * (one trip to the thread pool per batch), so no fdatasync follows it.
   */
  constructor(
    private handle: FileHandle,
    private size: number,
    private readonly durability: Durability,
    private readonly encode: (payloads: readonly string[]) => Buffer,
    private readonly durableWrites = false,
  ) {}

  /** Bytes in the current file, written so far. */
  get bytes(): number {
    return this.size;
  }

  append(payload: string): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ payload, waiter: { resolve, reject } });
      this.kick();
    });
  }

  /** Switches to a new file; the old one is synced and closed. */
  rotate(open: Rotation['open'], onSwitched: () => void, seal?: string): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ rotation: { open, onSwitched, ...(seal !== undefined && { seal }) }, waiter: { resolve, reject } });
      this.kick();
    });
  }

  /** Resolves when everything queued so far has been written (and synced, per durability). */
  drain(): Promise<void> {
    if (!this.running && !this.scheduled) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  async close(): Promise<void> {
    await this.drain();
    if (this.failure !== undefined) {
      await this.handle.close().catch(() => undefined);
      return;
    }
    try {
      await this.handle.sync();
    } finally {
      await this.handle.close();
    }
  }

  private kick(): void {
    if (this.running || this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      if (this.running) return;
      this.running = true;
      void this.loop();
    });
  }

  private async loop(): Promise<void> {
    while (this.failure === undefined && this.queue.length > 0) {
      const first = this.queue[0]!;
      if ('rotation' in first) {
        this.queue.shift();
        await this.switchFile(first.rotation, first.waiter);
        continue;
      }
      let end = 1;
      while (end < this.queue.length && end < MAX_BATCH && 'payload' in this.queue[end]!) end++;
      const entries = this.queue.splice(0, end) as { payload: string; waiter: Waiter }[];
      try {
        const batch = this.encode(entries.map((e) => e.payload));
        await writeFully(this.handle, batch, this.size);
        if (this.durability === 'fsync' && !this.durableWrites) await this.handle.datasync();
        this.size += batch.length;
        for (const e of entries) e.waiter.resolve();
      } catch (error) {
        this.failure = error;
        for (const e of entries) e.waiter.reject(error);
      }
    }
    if (this.failure !== undefined) {
      const rest = this.queue;
      this.queue = [];
      for (const e of rest) e.waiter.reject(this.failure);
    }
    this.running = false;
    if (this.scheduled) return;
    const idle = this.idle;
    this.idle = [];
    for (const resolve of idle) resolve();
  }

  private async switchFile(rotation: Rotation, waiter: Waiter): Promise<void> {
    try {
      await this.handle.sync();
      const next = await rotation.open();
      if (rotation.seal !== undefined) {
        // The new file is durable first: a crash before the seal is durable leaves an unsealed old
        // file and an empty new one, which recovery accepts (and seals).
        const seal = this.encode([rotation.seal]);
        try {
          await writeFully(this.handle, seal, this.size);
          await this.handle.sync();
        } catch (error) {
          await next.handle.close().catch(() => undefined);
          this.failure = error;
          throw error;
        }
        this.size += seal.length;
      }
      const old = this.handle;
      this.handle = next.handle;
      this.size = next.size;
      rotation.onSwitched();
      await old.close().catch(() => undefined);
      waiter.resolve();
    } catch (error) {
      // The old file is intact and still current: keep writing to it.
      waiter.reject(error);
    }
  }
}
