/** One encoded server-sent event, shared by every client it is sent to. */
export interface SseFrame {
  readonly id: number;
  readonly text: string;
}

export function encodeFrame(id: number, event: string, data: unknown): SseFrame {
  // JSON.stringify never emits a raw newline, so the payload is a single `data:` line.
  return { id, text: `id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n` };
}
