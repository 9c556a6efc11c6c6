import { SseClient } from './sse-client.js';
import type { SseOutput } from './sse-client.js';
import type { SseFrame } from './sse-frame.js';

export interface EventStreamOptions {
  frameMs: number;
  heartbeatMs: number;
  maxBuffer: number;
  maxClients: number;
}

export interface EventStreamStats {
  clients: number;
  /** Clients dropped because they fell more than `maxClientBuffer` frames behind. */
  dropped: number;
  /** Progress frames replaced before they were sent, over all clients. */
  coalesced: number;
}

/** The set of connected SSE clients: fan-out, one flush per frame, heartbeats. */
export class EventStream {
  private readonly clients = new Set<SseClient>();
  private frameTimer?: ReturnType<typeof setTimeout>;
  private heartbeatTimer?: ReturnType<typeof setInterval>;
  private dropped = 0;
  private coalescedGone = 0;

  constructor(private readonly options: EventStreamOptions) {}

  get hasClients(): boolean {
    return this.clients.size > 0;
  }

  get full(): boolean {
    return this.clients.size >= this.options.maxClients;
  }

  /** Registers a client and writes its first frames (the snapshot) at once. */
  add(out: SseOutput, first: readonly SseFrame[]): SseClient {
    const client = new SseClient(out, this.options.maxBuffer, () => {
      this.dropped++;
      this.remove(client);
    });
    this.clients.add(client);
    out.once('close', () => this.remove(client));
    for (const frame of first) client.push(frame);
    client.flush();
    if (!this.heartbeatTimer && this.options.heartbeatMs > 0) {
      this.heartbeatTimer = setInterval(() => {
        for (const c of this.clients) c.comment('heartbeat');
      }, this.options.heartbeatMs);
      this.heartbeatTimer.unref?.();
    }
    return client;
  }

  send(frame: SseFrame, taskId: string): void {
    if (this.clients.size === 0) return;
    for (const client of this.clients) client.push(frame, taskId);
    this.schedule();
  }

  sendProgress(frame: SseFrame, taskId: string): void {
    if (this.clients.size === 0) return;
    for (const client of this.clients) client.pushProgress(taskId, frame);
    this.schedule();
  }

  stats(): EventStreamStats {
    let coalesced = this.coalescedGone;
    for (const client of this.clients) coalesced += client.coalesced;
    return { clients: this.clients.size, dropped: this.dropped, coalesced };
  }

  close(): void {
    for (const client of [...this.clients]) {
      client.close();
      this.remove(client);
    }
    this.stopTimers();
  }

  private remove(client: SseClient): void {
    if (!this.clients.delete(client)) return;
    this.coalescedGone += client.coalesced;
    if (this.clients.size === 0) this.stopTimers();
  }

  private schedule(): void {
    if (this.frameTimer) return;
    this.frameTimer = setTimeout(() => {
      this.frameTimer = undefined;
      for (const client of this.clients) client.flush();
    }, this.options.frameMs);
    this.frameTimer.unref?.();
  }

  private stopTimers(): void {
    clearTimeout(this.frameTimer);
    clearInterval(this.heartbeatTimer);
    this.frameTimer = undefined;
    this.heartbeatTimer = undefined;
  }
}
