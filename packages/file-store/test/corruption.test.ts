import { appendFile, readFile, readdir, stat, truncate, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ANY_OWNER } from '@headway/core';
import { FileTaskStore, StoreCorruptionError } from '../src/index.js';
import { taskRecord, tempDir } from './helpers.js';

const LOG1 = 'log-0000000001.hwl';

async function seed(dir: string, count: number): Promise<void> {
  const store = await FileTaskStore.open(dir);
  for (let i = 0; i < count; i++) {
    await store.create(taskRecord(`t${i}`, store.nextSeq()));
    await store.update(`t${i}`, { status: 'working', progress: 10 });
  }
  await store.close();
}

/**
 * `count` records, then a compaction stopped right after its rotation (log 1 sealed, log 2 begun,
 * no snapshot); with `more`, one more record goes into log 2.
 */
async function rotateOnly(dir: string, count: number, more: boolean): Promise<void> {
  const store = await FileTaskStore.open(dir, {
    onCompactionStep: (step) => {
      if (step === 'rotated') throw new Error('stop after rotating');
    },
  });
  for (let i = 0; i < count; i++) await store.create(taskRecord(`t${i}`, store.nextSeq()));
  await expect(store.compact()).rejects.toThrow('stop after rotating');
  if (more) await store.create(taskRecord('later', store.nextSeq()));
  await store.close();
}

/** The first log of a fresh store holding one record. */
async function seedLog(): Promise<Buffer> {
  const { dir, cleanup } = await tempDir();
  try {
    await seed(dir, 1);
    return await readFile(join(dir, LOG1));
  } finally {
    await cleanup();
  }
}

async function flipByte(path: string, offset: number): Promise<void> {
  const buf = await readFile(path);
  buf[offset] = buf[offset]! ^ 0xff;
  await writeFile(path, buf);
}

describe('corruption', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
  });
  afterEach(() => cleanup());

  const tornCases: [string, (path: string) => Promise<void>][] = [
    ['a record cut short', async (path) => truncate(path, (await stat(path)).size - 5)],
    ['a record header cut short', async (path) => appendFile(path, Buffer.from([7, 0, 0]))],
    ['a zero-filled tail', async (path) => appendFile(path, Buffer.alloc(4096))],
    ['a last record with a bad checksum', async (path) => flipByte(path, (await stat(path)).size - 2)],
  ];
  for (const [name, tear] of tornCases) {
    it(`drops a torn tail (${name}) with a warning and keeps everything before it`, async () => {
      await seed(dir, 10);
      const path = join(dir, LOG1);
      await tear(path);
      const warnings: string[] = [];
      const store = await FileTaskStore.open(dir, { onWarning: (m) => warnings.push(m) });
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain(path);
      expect(warnings[0]).toMatch(/torn last record .* at byte offset \d+/);
      for (let i = 0; i < 9; i++) expect((await store.get(`t${i}`, ANY_OWNER))?.progress).toBe(10);
      expect(await store.get('t9', ANY_OWNER)).toBeDefined();
      // New writes go after the kept prefix, and the next open is clean.
      await store.create(taskRecord('after', store.nextSeq()));
      await store.close();
      const again = await FileTaskStore.open(dir, { onWarning: (m) => warnings.push(m) });
      expect(warnings).toHaveLength(1);
      expect(again.size).toBe(11);
      await again.close();
    });
  }

  it('rejects a damaged record in the middle of the log, naming the file and offset, and changes nothing', async () => {
    await seed(dir, 10);
    const path = join(dir, LOG1);
    await flipByte(path, 8 + 12 + 5); // inside the first record's payload
    const before = await readFile(path);
    const error = (await FileTaskStore.open(dir).catch((e: unknown) => e)) as StoreCorruptionError;
    expect(error).toBeInstanceOf(StoreCorruptionError);
    expect(error.file).toBe(path);
    expect(error.offset).toBe(8);
    expect(error.message).toContain(`${path} at byte offset 8`);
    expect(await readFile(path)).toEqual(before);
    // Still an error on the next attempt: nothing was silently skipped or truncated.
    await expect(FileTaskStore.open(dir)).rejects.toBeInstanceOf(StoreCorruptionError);
  });

  it('rejects a damaged length field in the middle of the log', async () => {
    await seed(dir, 10);
    const path = join(dir, LOG1);
    const buf = await readFile(path);
    const second = 8 + 12 + buf.readUInt32LE(8);
    await flipByte(path, second + 1);
    await expect(FileTaskStore.open(dir)).rejects.toThrow(new RegExp(`${path} at byte offset ${second}: record header`));
  });

  it('rejects a damaged snapshot', async () => {
    await seed(dir, 10);
    const store = await FileTaskStore.open(dir);
    await store.compact();
    await store.close();
    const path = join(dir, 'snapshot.hws');
    await flipByte(path, (await stat(path)).size - 3);
    await expect(FileTaskStore.open(dir)).rejects.toThrow(/snapshot\.hws at byte offset \d+/);
    await truncate(path, (await stat(path)).size - 10);
    await expect(FileTaskStore.open(dir)).rejects.toBeInstanceOf(StoreCorruptionError);
  });

  it('rejects a torn tail in a log that is not the newest', async () => {
    await rotateOnly(dir, 5, true);
    expect((await readdir(dir)).filter((n) => n.endsWith('.hwl'))).toHaveLength(2);
    const path = join(dir, LOG1);
    await truncate(path, (await stat(path)).size - 3);
    await expect(FileTaskStore.open(dir)).rejects.toThrow(new RegExp(`${path} at byte offset`));
  });

  it('rejects a missing log segment and a missing snapshot', async () => {
    await seed(dir, 3);
    const store = await FileTaskStore.open(dir);
    await store.compact();
    await store.create(taskRecord('x', store.nextSeq()));
    await store.close();
    await unlink(join(dir, 'snapshot.hws'));
    await expect(FileTaskStore.open(dir)).rejects.toThrow(/log segment missing/);
  });

  it('rejects a missing log segment after the snapshot (compact, write more, delete that log), naming it', async () => {
    await seed(dir, 3);
    const store = await FileTaskStore.open(dir);
    await store.compact();
    for (let i = 0; i < 3; i++) await store.create(taskRecord(`later${i}`, store.nextSeq()));
    await store.close();
    const missing = join(dir, 'log-0000000002.hwl');
    await unlink(missing);
    const error = (await FileTaskStore.open(dir).catch((e: unknown) => e)) as StoreCorruptionError;
    expect(error).toBeInstanceOf(StoreCorruptionError);
    expect(error.file).toBe(missing);
    expect(error.message).toMatch(/log segment missing \(the snapshot .*snapshot\.hws names it/);
    // Nothing was created in its place: the next open refuses again.
    expect(await readdir(dir)).not.toContain('log-0000000002.hwl');
    await expect(FileTaskStore.open(dir)).rejects.toBeInstanceOf(StoreCorruptionError);
  });

  it('rejects a missing newest log segment: the one before it is sealed naming it', async () => {
    await rotateOnly(dir, 3, true);
    const missing = join(dir, 'log-0000000002.hwl');
    await unlink(missing);
    const error = (await FileTaskStore.open(dir).catch((e: unknown) => e)) as StoreCorruptionError;
    expect(error).toBeInstanceOf(StoreCorruptionError);
    expect(error.file).toBe(missing);
    expect(error.message).toMatch(/log segment missing \(.*log-0000000001\.hwl is sealed naming it/);
  });

  it('rejects a log segment under another generation\'s name', async () => {
    await seed(dir, 2);
    const store = await FileTaskStore.open(dir);
    await store.compact();
    await store.close();
    await writeFile(join(dir, 'log-0000000002.hwl'), await seedLog());
    await expect(FileTaskStore.open(dir)).rejects.toThrow(/log-0000000002\.hwl at byte offset 8: log segment header names generation 1/);
  });

  it('accepts a seal cut short by a crash during a rotation, and seals the log again', async () => {
    await rotateOnly(dir, 3, false);
    const path = join(dir, LOG1);
    await truncate(path, (await stat(path)).size - 3);
    const warnings: string[] = [];
    const again = await FileTaskStore.open(dir, { onWarning: (m) => warnings.push(m) });
    expect(again.size).toBe(3);
    expect(warnings).toEqual([expect.stringMatching(/torn seal in .*log-0000000001\.hwl/)]);
    await again.create(taskRecord('later', again.nextSeq()));
    await again.close();
    const third = await FileTaskStore.open(dir, { onWarning: (m) => warnings.push(m) });
    expect(third.size).toBe(4);
    expect(warnings).toHaveLength(1);
    await third.close();
  });

  it('removes a half-written snapshot temp file left by a killed compaction', async () => {
    await seed(dir, 3);
    await writeFile(join(dir, 'snapshot.hws.tmp'), 'HWFSSNP1 half a snapsh');
    const store = await FileTaskStore.open(dir);
    expect(store.size).toBe(3);
    await store.close();
    expect(await readdir(dir)).not.toContain('snapshot.hws.tmp');
  });

  it('rejects a file that is not a store file', async () => {
    await writeFile(join(dir, LOG1), 'hello, this is not a log at all');
    await expect(FileTaskStore.open(dir)).rejects.toThrow(/at byte offset 0: not a file-store file/);
  });
});
