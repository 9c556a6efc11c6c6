// 100,000 trivial tasks created, run and completed through TaskManager (memory store, one
// reporter), against the same functions run as bare promises.
import { performance } from 'node:perf_hooks';
import { TaskManager } from '@headway/core';
import type { Reporter, TaskEvent } from '@headway/core';
import { median, writeResult } from './harness.js';

const TASKS = 100_000;
const ROUNDS = 5;

const work = (n: number) => n * 2;

async function barePromises(): Promise<number> {
  const start = performance.now();
  const all: Promise<number>[] = [];
  for (let i = 0; i < TASKS; i++) all.push(Promise.resolve(i).then(work));
  await Promise.all(all);
  return performance.now() - start;
}

/** Runs `count` trivial tasks through a fresh manager; resolves with the elapsed ms. */
export async function managerRun(count: number, extraReporters: Reporter[] = []): Promise<number> {
  let completed = 0;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const manager = new TaskManager({
    maxActivePerOwner: count + 1,
    reporters: [
      { name: 'count', onEvent: (e: TaskEvent) => { if (e.type === 'completed' && ++completed === count) done(); } },
      ...extraReporters,
    ],
  });
  manager.define('trivial', (n: number) => work(n));
  await manager.start();
  const start = performance.now();
  const creations: Promise<unknown>[] = [];
  for (let i = 0; i < count; i++) creations.push(manager.create({ kind: 'trivial', input: i }));
  await Promise.all(creations);
  await finished;
  const elapsed = performance.now() - start;
  await manager.shutdown();
  return elapsed;
}

export async function main(): Promise<void> {
  const bare: number[] = [];
  const headway: number[] = [];
  await managerRun(10_000); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    bare.push(await barePromises());
    headway.push(await managerRun(TASKS));
    console.log(`  round ${round + 1}: bare ${bare.at(-1)!.toFixed(1)} ms, headway ${headway.at(-1)!.toFixed(0)} ms`);
  }
  const tasksPerSecond = TASKS / (median(headway) / 1000);
  const ratio = median(headway) / median(bare);
  writeResult({
    name: 'task-throughput',
    description: `${TASKS.toLocaleString()} trivial tasks through TaskManager (memory store, one reporter) vs bare promises (${ROUNDS} rounds, medians)`,
    figures: { tasks: TASKS, bareMs: bare, headwayMs: headway, tasksPerSecond, barePromisesPerSecond: TASKS / (median(bare) / 1000) },
    ratios: { headwayOverBareTime: ratio },
    targets: [{ name: 'tasks per second', target: '>= 100000', measured: tasksPerSecond, met: tasksPerSecond >= 100_000 }],
  });
}
