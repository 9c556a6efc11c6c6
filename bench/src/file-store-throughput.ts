// file-store-throughput: tasks created and completed per second on a FileTaskStore (fsync and os
// durability) vs the MemoryTaskStore vs a naive store that writes and fsyncs every record on its
// own, all in one run; plus size on disk per finished task and recovery time for 100,000 records.
import { fdatasyncSync, writeSync } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { TaskStatus } from '@headway/core';
import { MemoryTaskStore } from '@headway/core/spi';
import type { TaskPatch, TaskRecord, TaskStore, UpdateResult } from '@headway/core/spi';
import { FileTaskStore } from '@headway/file-store';
import { benchRecord, withTempDir } from './bench-records.js';
import { median, writeResult } from './harness.js';

const CONCURRENCY = 1024;
const ROUNDS = 3;
const DURABLE_TASKS = 30_000;
const NAIVE_TASKS = 1_500;
const RECOVERY_RECORDS = 100_000;

/**
 * The baseline: the memory index plus one write and one fdatasync per record, each on its own.
 * `serial` is the usual naive code (appendFileSync + fdatasyncSync); the concurrent variant issues
 * them asynchronously, so up to four (the libuv pool) overlap and the kernel may merge their syncs.
 */
class NaiveFileStore extends MemoryTaskStore {
  private constructor(
    private readonly handle: FileHandle,
    private readonly serial: boolean,
  ) {
    super();
  }
  static async open(dir: string, serial: boolean): Promise<NaiveFileStore> {
    return new NaiveFileStore(await open(join(dir, 'naive.jsonl'), 'a'), serial);
  }
  private async persist(line: string): Promise<void> {
    if (this.serial) {
      writeSync(this.handle.fd, `${line}\n`);
      fdatasyncSync(this.handle.fd);
      return;
    }
    await this.handle.write(`${line}\n`);
    await this.handle.datasync();
  }
  override async create(record: TaskRecord): Promise<void> {
    this.insert(record);
    await this.persist(JSON.stringify({ o: 'c', r: record }));
  }
  override async update(id: string, patch: TaskPatch, options?: { expect?: readonly TaskStatus[] }): Promise<UpdateResult> {
    const result = this.apply(id, patch, options?.expect);
    if (result.ok) await this.persist(JSON.stringify({ o: 'u', i: id, p: patch }));
    return result;
  }
  async close(): Promise<void> {
    await this.handle.close();
  }
}

let counter = 0;
function record(store: TaskStore): TaskRecord {
  return benchRecord(counter++, store.nextSeq() as number);
}

/** The store side of one task's life as the TaskManager drives it: create, start, complete. */
async function lifecycle(store: TaskStore): Promise<void> {
  const r = record(store);
  await store.create(r);
  await store.update(r.id, { status: 'working', startedAt: Date.now() }, { expect: ['queued'] });
  const now = Date.now();
  await store.update(
    r.id,
    { status: 'completed', progress: 100, result: { ok: true, n: r.input }, finishedAt: now, expiresAt: now + r.ttlMs },
    { expect: ['working', 'input_required'] },
  );
}

/** Runs `tasks` lifecycles with CONCURRENCY in flight; returns tasks per second. */
async function drive(store: TaskStore, tasks: number): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < tasks) {
        next++;
        await lifecycle(store);
      }
    }),
  );
  return tasks / ((performance.now() - start) / 1000);
}

async function dirBytes(dir: string): Promise<number> {
  let total = 0;
  for (const name of await readdir(dir)) total += (await stat(join(dir, name))).size;
  return total;
}

function withDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  return withTempDir('hw-bench-fs-', fn);
}

export async function main(): Promise<void> {
  const memory: number[] = [];
  const fsync: number[] = [];
  const os: number[] = [];
  const naive: number[] = [];
  const naiveConcurrent: number[] = [];
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
  let logBytesPerTask = 0;
  let compactedBytesPerTask = 0;
  // Warm-up, then rounds interleaving the variants so machine noise hits them alike.
  await drive(new MemoryTaskStore(), 5_000);
  await withDir(async (dir) => {
    const s = await FileTaskStore.open(dir);
    await drive(s, 5_000);
    await s.close();
  });
  for (let round = 0; round < ROUNDS; round++) {
    gc();
    memory.push(await drive(new MemoryTaskStore(), DURABLE_TASKS));
    gc();
    fsync.push(
      await withDir(async (dir) => {
        const s = await FileTaskStore.open(dir, { durability: 'fsync', compactAfterBytes: Infinity });
        const rate = await drive(s, DURABLE_TASKS);
        if (round === 0) {
          logBytesPerTask = (await dirBytes(dir)) / DURABLE_TASKS;
          await s.compact();
          compactedBytesPerTask = (await dirBytes(dir)) / DURABLE_TASKS;
        }
        await s.close();
        return rate;
      }),
    );
    gc();
    os.push(
      await withDir(async (dir) => {
        const s = await FileTaskStore.open(dir, { durability: 'os' });
        const rate = await drive(s, DURABLE_TASKS);
        await s.close();
        return rate;
      }),
    );
    for (const [serial, into] of [[true, naive], [false, naiveConcurrent]] as const) {
      gc();
      into.push(
        await withDir(async (dir) => {
          const s = await NaiveFileStore.open(dir, serial);
          const rate = await drive(s, NAIVE_TASKS);
          await s.close();
          return rate;
        }),
      );
    }
  }

  // Recovery: 100,000 finished tasks, first replayed from the log alone, then from a snapshot.
  const recovery = await withDir(async (dir) => {
    const s = await FileTaskStore.open(dir, { durability: 'os', compactAfterBytes: Infinity });
    await drive(s, RECOVERY_RECORDS);
    await s.close();
    const logBytes = await dirBytes(dir);
    const times = { fromLogMs: 0, fromSnapshotMs: 0, logBytes, snapshotBytes: 0 };
    let t = performance.now();
    const fromLog = await FileTaskStore.open(dir);
    times.fromLogMs = performance.now() - t;
    if (fromLog.size !== RECOVERY_RECORDS) throw new Error(`recovered ${fromLog.size} records`);
    await fromLog.compact();
    await fromLog.close();
    times.snapshotBytes = await dirBytes(dir);
    t = performance.now();
    const fromSnapshot = await FileTaskStore.open(dir);
    times.fromSnapshotMs = performance.now() - t;
    if (fromSnapshot.size !== RECOVERY_RECORDS) throw new Error(`recovered ${fromSnapshot.size} records`);
    await fromSnapshot.close();
    return times;
  });

  const fsyncRate = median(fsync);
  const naiveRate = median(naive);
  writeResult({
    name: 'file-store-throughput',
    description:
      `Tasks created, started and completed per second (${CONCURRENCY} in flight; 1 create + 2 updates each): ` +
      'FileTaskStore (fsync, os) vs MemoryTaskStore vs a naive store with one write + fdatasync per record (serial; and concurrent)',
    figures: {
      tasksPerSecond: {
        fileFsync: { median: fsyncRate, rounds: fsync },
        fileOs: { median: median(os), rounds: os },
        memory: { median: median(memory), rounds: memory },
        naiveFsyncPerRecord: { median: naiveRate, rounds: naive },
        naiveFsyncPerRecordConcurrent: { median: median(naiveConcurrent), rounds: naiveConcurrent },
      },
      tasksPerRound: { durable: DURABLE_TASKS, naive: NAIVE_TASKS },
      bytesOnDiskPerFinishedTask: { logOnly: logBytesPerTask, afterCompaction: compactedBytesPerTask },
      recovery100k: recovery,
    },
    ratios: {
      'fileFsync/naive': fsyncRate / naiveRate,
      'fileFsync/naiveConcurrent': fsyncRate / median(naiveConcurrent),
      'fileFsync/memory': fsyncRate / median(memory),
      'fileOs/memory': median(os) / median(memory),
    },
    targets: [
      { name: 'durable (fsync) tasks per second', target: '>= 20000', measured: fsyncRate, met: fsyncRate >= 20_000 },
      { name: 'fsync store vs naive store (serial write + fdatasync per record)', target: '>= 10x', measured: fsyncRate / naiveRate, met: fsyncRate / naiveRate >= 10 },
    ],
  });
  console.log(
    `  fsync ${fsyncRate.toFixed(0)}/s, os ${median(os).toFixed(0)}/s, memory ${median(memory).toFixed(0)}/s, naive ${naiveRate.toFixed(0)}/s (concurrent ${median(naiveConcurrent).toFixed(0)}/s); ` +
      `${logBytesPerTask.toFixed(0)} B/task in the log, ${compactedBytesPerTask.toFixed(0)} B/task compacted; ` +
      `recovery of ${RECOVERY_RECORDS}: ${recovery.fromLogMs.toFixed(0)} ms from the log, ${recovery.fromSnapshotMs.toFixed(0)} ms from a snapshot`,
  );
}
