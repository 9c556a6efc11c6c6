import type { SseFrame } from './sse-frame.js';

// How far over `maxBuffer` a blocked client may get within one frame before it is dropped at once.
const HARD_LIMIT_FACTOR = 4;

/** The part of `http.ServerResponse` an SSE client writes to. */
export interface SseOutput {
  write(chunk: string): boolean;
  once(event: 'drain' | 'close', listener: () => void): unknown;
  end(): unknown;
  destroy(): unknown;
}

export interface SseClientStats {
  written: number;
  coalesced: number;
  queued: number;
  blocked: boolean;
}

/**
 * One connected browser. Frames wait in a queue until the next flush; progress frames are
 * kept one per task (a newer one replaces the older), so a fast task costs one frame per flush.
 * While the socket is full (`write` returned false) nothing is written; a client whose socket is
 * still full at a frame with more than `maxBuffer` frames waiting (or 4× that at any moment) is
 * dropped: its EventSource reconnects and gets a snapshot. A client that reads has a full buffer
 * written early instead.
 */
export class SseClient {
  private queue: SseFrame[] = [];
  private readonly progress = new Map<string, SseFrame>();
  private blocked = false;
  private closed = false;
  written = 0;
  coalesced = 0;

  constructor(
    private readonly out: SseOutput,
    private readonly maxBuffer: number,
    private readonly onDrop: (client: SseClient) => void,
  ) {
    out.once('close', () => this.close(false));
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Queues a frame about a task; a pending progress frame of that task is superseded by it. */
  push(frame: SseFrame, taskId?: string): void {
    if (this.closed) return;
    if (taskId !== undefined && this.progress.delete(taskId)) this.coalesced++;
    this.queue.push(frame);
    this.checkBuffer();
  }

  /** Sets the pending progress frame of a task, replacing an unsent one. */
  pushProgress(taskId: string, frame: SseFrame): void {
    if (this.closed) return;
    if (this.progress.has(taskId)) {
      this.coalesced++;
      this.progress.delete(taskId); // re-insert so iteration follows id order
    }
    this.progress.set(taskId, frame);
    this.checkBuffer();
  }

  /** Writes a comment line (heartbeat) unless the socket is full. */
  comment(text: string): void {
    if (this.closed || this.blocked) return;
    this.write(`: ${text}\n\n`);
  }

  /** Writes everything pending as one chunk, in id order, unless the socket is full. */
  flush(): void {
    if (this.closed) return;
    if (this.blocked) {
      if (this.queue.length + this.progress.size > this.maxBuffer) this.drop();
      return;
    }
    if (this.queue.length === 0 && this.progress.size === 0) return;
    const queued = this.queue;
    const progress = [...this.progress.values()];
    this.queue = [];
    this.progress.clear();
    let text = '';
    let i = 0;
    let j = 0;
    while (i < queued.length || j < progress.length) {
      const next = j >= progress.length || (i < queued.length && queued[i]!.id < progress[j]!.id) ? queued[i++]! : progress[j++]!;
      text += next.text;
    }
    this.written += queued.length + progress.length;
    this.write(text);
  }

  stats(): SseClientStats {
    return { written: this.written, coalesced: this.coalesced, queued: this.queue.length + this.progress.size, blocked: this.blocked };
  }

  /** Ends the stream (gracefully when `graceful`, else by destroying the socket). */
  close(graceful = true): void {
    if (this.closed) return;
    this.closed = true;
    this.queue = [];
    this.progress.clear();
    if (graceful) this.out.end();
  }

  private write(text: string): void {
    if (this.out.write(text)) return;
    this.blocked = true;
    this.out.once('drain', () => {
      this.blocked = false;
      this.flush();
    });
  }

  /**
   * A full buffer is written at once to a client whose socket accepts it. On a full socket the
   * next frame decides (a burst may fill the socket for an instant), unless the buffer is far over.
   */
  private checkBuffer(): void {
    const size = this.queue.length + this.progress.size;
    if (size <= this.maxBuffer) return;
    if (!this.blocked) this.flush();
    else if (size > this.maxBuffer * HARD_LIMIT_FACTOR) this.drop();
  }

  private drop(): void {
    if (this.closed) return;
    this.close(false);
    this.out.destroy();
    this.onDrop(this);
  }
}
