import { appendFile, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TaskManager } from '@headway/core';
import type { TaskEvent } from '@headway/core';
import { FileEventLog, readEvents, readTaskHistory, StoreCorruptionError } from '../src/index.js';
import { tempDir } from './helpers.js';

describe('FileEventLog', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
  });
  afterEach(() => cleanup());

  async function runTasks(log: FileEventLog, count: number): Promise<string[]> {
    const manager = new TaskManager({ reporters: [log], resources: { enabled: false } });
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const handle = await manager.create({
        kind: 'work',
        fn: async (_input, ctx) => {
          for (let s = 1; s <= 4; s++) ctx.progress.update(s * 25, `step ${s}`);
          ctx.log.info('finished', { i });
          return { i };
        },
      });
      ids.push(handle.id);
    }
    for (const id of ids) await manager.wait(id);
    await manager.shutdown();
    return ids;
  }

  it('appends every event as JSON Lines and replays one task’s history in order', async () => {
    const log = await FileEventLog.open(dir);
    const ids = await runTasks(log, 3);
    const history = await readTaskHistory(dir, ids[1]!);
    expect(history[0]!.type).toBe('created');
    expect(history.at(-1)!.type).toBe('completed');
    expect(history.every((e) => e.taskId === ids[1])).toBe(true);
    expect(history.some((e) => e.type === 'progress')).toBe(true);
    expect(history.some((e) => e.type === 'log' && e.message === 'finished')).toBe(true);
    expect((history.at(-1) as Extract<TaskEvent, { type: 'completed' }>).result).toEqual({ i: 1 });
    const ats = history.map((e) => e.at);
    expect([...ats].sort((a, b) => a - b)).toEqual(ats);
    const text = await readFile(join(dir, 'events-000001.jsonl'), 'utf8');
    for (const line of text.trimEnd().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
  });

  it('rotates by size, keeps at most maxFiles, and continues after a reopen', async () => {
    const log = await FileEventLog.open(dir, { maxFileBytes: 2048, maxFiles: 3 });
    const ids = await runTasks(log, 20);
    const files = (await readdir(dir)).filter((n) => n.endsWith('.jsonl')).sort();
    expect(files.length).toBe(3);
    expect(files[0]).not.toBe('events-000001.jsonl');
    const all: TaskEvent[] = [];
    for await (const e of readEvents(dir)) all.push(e);
    expect(all.at(-1)!.taskId).toBe(ids.at(-1));
    const reopened = await FileEventLog.open(dir, { maxFileBytes: 2048, maxFiles: 3 });
    const more = await runTasks(reopened, 1);
    expect((await readTaskHistory(dir, more[0]!)).at(-1)!.type).toBe('completed');
  });

  it('drops a torn last line (writer and reader), rejects a bad line elsewhere', async () => {
    const log = await FileEventLog.open(dir);
    const [id] = await runTasks(log, 1);
    const path = join(dir, 'events-000001.jsonl');
    await appendFile(path, '{"taskId":"x","type":"prog');
    const warnings: string[] = [];
    const history = await readTaskHistory(dir, id!, { onWarning: (m) => warnings.push(m) });
    expect(history.at(-1)!.type).toBe('completed');
    expect(warnings[0]).toMatch(/torn last line/);
    const reopened = await FileEventLog.open(dir, { onWarning: (m) => warnings.push(m) });
    expect(warnings[1]).toMatch(/Dropped a torn last line/);
    await reopened.close();
    expect((await readFile(path, 'utf8')).endsWith('\n')).toBe(true);

    const text = await readFile(path, 'utf8');
    const firstEnd = text.indexOf('\n') + 1;
    await writeFile(path, `${text.slice(0, firstEnd)}not json\n${text.slice(firstEnd)}`);
    const error = await readTaskHistory(dir, id!).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreCorruptionError);
    expect((error as StoreCorruptionError).message).toContain(`${path} at byte offset ${firstEnd}`);
  });

  it('validates its arguments', async () => {
    await expect(FileEventLog.open('')).rejects.toThrow(/directory/);
    await expect(FileEventLog.open(dir, { maxFileBytes: 10 })).rejects.toThrow(/maxFileBytes/);
    await expect(FileEventLog.open(dir, { maxFiles: 0 })).rejects.toThrow(/maxFiles/);
    await expect(readTaskHistory(dir, '')).rejects.toThrow(/taskId/);
  });
});
