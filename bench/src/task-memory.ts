// Heap retained per finished task record, for 100,000 records in the memory store (as it comes, and
// with `packFinished`, which keeps each finished record as its JSON text).
import v8 from 'node:v8';
import { TaskManager } from '@headway/core';
import type { TaskEvent } from '@headway/core';
import { MemoryTaskStore } from '@headway/core/spi';
import { writeResult } from './harness.js';

const TASKS = 100_000;

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) throw new Error('run with node --expose-gc (pnpm bench does)');
  for (let i = 0; i < 3; i++) collect();
}

async function retainedPerRecord(store: MemoryTaskStore): Promise<{ before: number; after: number; perRecord: number }> {
  let completed = 0;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const manager = new TaskManager({
    store,
    maxActivePerOwner: TASKS + 1,
    resources: { enabled: false },
    reporters: [{ name: 'count', onEvent: (e: TaskEvent) => { if (e.type === 'completed' && ++completed === TASKS) done(); } }],
  });
  manager.define('export', (n: number) => ({ rows: n }));
  await manager.start();
  gc();
  const before = v8.getHeapStatistics().used_heap_size;
  for (let i = 0; i < TASKS; i++) await manager.create({ kind: 'export', input: i, metadata: { source: 'bench' } });
  await finished;
  await manager.flush();
  gc();
  const after = v8.getHeapStatistics().used_heap_size;
  const perRecord = (after - before) / TASKS;
  const page = await manager.list({ limit: 1 });
  if (page.tasks[0]?.status !== 'completed') throw new Error('records were not kept');
  await manager.shutdown();
  return { before, after, perRecord };
}

export async function main(): Promise<void> {
  const plain = await retainedPerRecord(new MemoryTaskStore());
  gc();
  const packed = await retainedPerRecord(new MemoryTaskStore({ packFinished: true }));
  const perRecord = plain.perRecord;
  writeResult({
    name: 'task-memory',
    description: `Heap retained per finished task record (${TASKS.toLocaleString()} records, memory store, input + small result + metadata; also with packFinished)`,
    figures: { tasks: TASKS, heapBeforeBytes: plain.before, heapAfterBytes: plain.after, bytesPerRecord: perRecord, packFinished: { heapBeforeBytes: packed.before, heapAfterBytes: packed.after, bytesPerRecord: packed.perRecord } },
    ratios: { bytesPerRecordOverTarget: perRecord / 1024, packFinishedOverPlain: packed.perRecord / perRecord },
    targets: [
      { name: 'bytes per finished record', target: '<= 1024', measured: perRecord, met: perRecord <= 1024 },
      { name: 'bytes per finished record, packFinished', target: '<= 1024', measured: packed.perRecord, met: packed.perRecord <= 1024 },
    ],
  });
}
