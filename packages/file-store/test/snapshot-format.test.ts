import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ANY_OWNER } from '@headway/core';
import { FileTaskStore, StoreCorruptionError } from '../src/index.js';
import { encodeFrame, encodeFrames, SNAPSHOT_MAGIC } from '../src/framing.js';
import { headerOp } from '../src/log-ops.js';
import { logPath } from '../src/layout.js';
import { taskRecord, tempDir } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(async () => cleanup());

describe('snapshot formats', () => {
  it('opens a version 1 snapshot (one frame per record), and the next compaction writes version 2', async () => {
    const records = [
      { ...taskRecord('done', 1), status: 'completed', result: { text: 'é ☃' }, expiresAt: 5 },
      { ...taskRecord('live', 2), status: 'working', progress: 40 },
    ];
    const body = [JSON.stringify({ v: 1, gen: 2, seq: 7, at: 0 }), ...records.map((r) => JSON.stringify(r)), JSON.stringify({ end: true, count: 2 })];
    await writeFile(join(dir, 'snapshot.hws'), Buffer.concat([SNAPSHOT_MAGIC, encodeFrames(body)]));
    await writeFile(logPath(dir, 2), Buffer.concat([Buffer.from('HWFSLOG1', 'latin1'), encodeFrame(headerOp(2))]));
    let store = await FileTaskStore.open(dir);
    expect(await store.get('done', ANY_OWNER)).toEqual(records[0]);
    expect(await store.get('live', ANY_OWNER)).toEqual(records[1]);
    expect(store.nextSeq()).toBe(8);
    await store.compact();
    await store.close();
    const header = JSON.parse((await readFile(join(dir, 'snapshot.hws'))).subarray(20).toString('utf8').split('}')[0]! + '}') as { v: number };
    expect(header.v).toBe(2);
    store = await FileTaskStore.open(dir);
    expect(await store.get('done', ANY_OWNER)).toEqual(records[0]);
    expect(await store.get('live', ANY_OWNER)).toEqual(records[1]);
    expect(await store.sweep(10)).toBe(1);
    await store.close();
  });

  it('round-trips many records of any JSON through version 2 batches, finished and not', async () => {
    let store = await FileTaskStore.open(dir);
    const want = new Map<string, unknown>();
    for (let i = 0; i < 2500; i++) {
      const id = `t${i}-\u{1F600}"\\`;
      await store.create({ ...taskRecord(id, store.nextSeq()), input: { i, text: 'x'.repeat(i % 7 === 0 ? 3000 : 3), u: '\u2028\ud83d' } });
      if (i % 3 !== 0) await store.update(id, { status: i % 2 ? 'completed' : 'failed', result: [i, null, { s: 'ü' }], expiresAt: i });
      want.set(id, await store.get(id, ANY_OWNER));
    }
    await store.compact();
    await store.close();
    store = await FileTaskStore.open(dir);
    expect(store.size).toBe(2500);
    for (const [id, record] of want) expect(await store.get(id, ANY_OWNER)).toEqual(record);
    expect(await store.sweep(1250)).toBe([...want.values()].filter((r) => (r as { expiresAt?: number }).expiresAt !== undefined && (r as { expiresAt: number }).expiresAt <= 1250).length);
    await store.close();
  });

  it('rejects a version 2 batch whose index line does not match its texts', async () => {
    const text = JSON.stringify({ ...taskRecord('a', 1), status: 'completed' });
    const batch = `${JSON.stringify({ s: ['owner', 'kind', 'completed'], r: ['a', 0, 1, 1, 2, null, text.length + 1] })}\n${text}`;
    const body = [JSON.stringify({ v: 2, gen: 2, seq: 1, at: 0 }), batch, JSON.stringify({ end: true, count: 1 })];
    await writeFile(join(dir, 'snapshot.hws'), Buffer.concat([SNAPSHOT_MAGIC, encodeFrames(body)]));
    await writeFile(logPath(dir, 2), Buffer.concat([Buffer.from('HWFSLOG1', 'latin1'), encodeFrame(headerOp(2))]));
    const error = await FileTaskStore.open(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreCorruptionError);
    expect((error as Error).message).toMatch(/snapshot batch has a record length that does not fit/);
  });
});
