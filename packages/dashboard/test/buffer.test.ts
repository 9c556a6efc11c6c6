import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { TaskContext } from '@headway/core';
import { SseClient } from '../src/sse-client.js';
import { encodeFrame } from '../src/sse-frame.js';
import type { LogLine, TaskView } from '../src/index.js';
import { SseReader, eventually, startRig } from './helpers.js';
import type { Rig } from './helpers.js';

/** A response whose socket never drains: every write after the first `highWaterMark` bytes returns false. */
function stuckOutput(highWaterMark = 64) {
  let destroyed = false;
  const out = new Writable({ highWaterMark, write: () => undefined });
  out.on('error', () => undefined);
  return {
    out,
    get destroyed() {
      return destroyed || out.destroyed;
    },
    markDestroyed: () => (destroyed = true),
  };
}

describe('bounded memory', () => {
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('a blocked client keeps one progress frame per task and is dropped past its buffer limit', () => {
    const stuck = stuckOutput();
    let dropped = 0;
    const client = new SseClient(stuck.out, 10, () => dropped++);
    client.push(encodeFrame(1, 'snapshot', { pad: 'x'.repeat(200) }));
    client.flush(); // fills the socket: write() returns false from now on
    expect(client.stats().blocked).toBe(true);

    for (let i = 0; i < 1000; i++) client.pushProgress('task-a', encodeFrame(2 + i, 'progress', { i }));
    for (let i = 0; i < 1000; i++) client.pushProgress('task-b', encodeFrame(2000 + i, 'progress', { i }));
    client.flush(); // nothing is written while blocked
    expect(client.stats()).toMatchObject({ queued: 2, blocked: true, written: 1 });
    expect(client.coalesced).toBe(1998);
    expect(dropped).toBe(0);

    for (let i = 0; i < 8; i++) client.push(encodeFrame(5000 + i, 'task', { i }), 'task-c');
    client.flush();
    expect(dropped).toBe(0);
    // Over the limit: tolerated within a frame (a burst), dropped at the next frame if still blocked.
    client.push(encodeFrame(6000, 'task', {}), 'task-c');
    expect(dropped).toBe(0);
    client.flush();
    expect(dropped).toBe(1);
    expect(client.isClosed).toBe(true);
    expect(stuck.destroyed).toBe(true);
  });

  it('drops a blocked client at once when it gets far over its limit within a frame', () => {
    const stuck = stuckOutput();
    let dropped = 0;
    const client = new SseClient(stuck.out, 10, () => dropped++);
    client.push(encodeFrame(1, 'snapshot', { pad: 'x'.repeat(200) }));
    client.flush();
    for (let i = 0; i < 40; i++) client.push(encodeFrame(2 + i, 'task', { i }), 'task-c');
    expect(dropped).toBe(0);
    client.push(encodeFrame(100, 'task', {}), 'task-c');
    expect(dropped).toBe(1);
    expect(stuck.destroyed).toBe(true);
  });

  it('writes pending frames in id order after the socket drains', () => {
    const chunks: string[] = [];
    let callback: (() => void) | undefined;
    const out = new Writable({
      highWaterMark: 1,
      write(chunk: Buffer, _enc, cb) {
        chunks.push(chunk.toString());
        callback = cb;
      },
    });
    const client = new SseClient(out, 100, () => undefined);
    client.push(encodeFrame(1, 'snapshot', {}));
    client.flush();
    expect(client.stats().blocked).toBe(true);
    client.pushProgress('a', encodeFrame(2, 'progress', { v: 1 }));
    client.push(encodeFrame(3, 'task', { type: 'log' }), 'b');
    client.pushProgress('a', encodeFrame(4, 'progress', { v: 2 }));
    client.push(encodeFrame(5, 'task', { type: 'completed' }), 'c');
    callback!(); // the socket drains: everything pending goes out as one chunk
    expect(chunks).toHaveLength(2);
    const ids = [...chunks[1]!.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
    expect(ids).toEqual([3, 4, 5]);
  });

  it('drops a real client that stops reading, and keeps serving the others', async () => {
    rig = await startRig({ maxClientBuffer: 200, frameMs: 5 });
    // A client that sends the request and never reads the answer.
    const socket = connect(rig.server.port, '127.0.0.1');
    socket.on('error', () => undefined);
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    socket.write(`GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    socket.pause();
    const healthy = new SseReader(`${rig.url}api/events`);
    try {
      await eventually(() => rig!.dashboard.stats().clients === 2, 'both clients to connect');
      await healthy.until(() => healthy.messages.length > 0, 'the snapshot');
      const big = 'y'.repeat(480);
      const handle = await rig.manager.create({
        kind: 'chatty',
        fn: async (_input: unknown, ctx: TaskContext) => {
          for (let i = 0; i < 400 && rig!.dashboard.stats().dropped === 0; i++) {
            for (let j = 0; j < 100; j++) ctx.log.info(`${i}.${j} ${big}`);
            await new Promise((r) => setTimeout(r, 2));
          }
        },
      });
      await handle.result();
      await eventually(() => rig!.dashboard.stats().dropped === 1, 'the stuck client to be dropped', 30_000);
      expect(rig.dashboard.stats().clients).toBe(1);
      await healthy.until(
        () => healthy.parsed<{ type: string; task: TaskView }>('task').some((m) => m.json.type === 'completed'),
        'the healthy client to see the end',
        30_000,
      );
      expect(healthy.ended).toBe(false);
    } finally {
      healthy.close();
      socket.destroy();
    }
  });

  it('keeps at most maxTasks tasks and maxLogLines log lines', async () => {
    rig = await startRig({ maxTasks: 5, maxLogLines: 7 });
    for (let i = 0; i < 20; i++) await (await rig.manager.create({ kind: `k${i}`, fn: () => i })).result();
    await rig.manager.flush();
    const sse = new SseReader(`${rig.url}api/events`);
    try {
      await sse.until(() => sse.messages.length > 0, 'the snapshot');
      const [snapshot] = sse.parsed<{ tasks: TaskView[]; log: LogLine[] }>('snapshot');
      expect(snapshot!.json.tasks.map((t) => t.kind)).toEqual(['k15', 'k16', 'k17', 'k18', 'k19']);
      expect(snapshot!.json.log).toHaveLength(7);
      expect(snapshot!.json.log.at(-1)!.message).toMatch(/^Completed k19 task/);
      expect(rig.dashboard.stats()).toMatchObject({ tasks: 5, evictedTasks: 15 });
    } finally {
      sse.close();
    }
  });
});
