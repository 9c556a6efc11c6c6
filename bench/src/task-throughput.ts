// 100,000 trivial tasks created, run and completed through TaskManager (memory store, one
// reporter), against the same functions run as bare promises. Two arrival patterns: `steady`
// (each create awaited before the next, as requests arrive at a server) and `burst` (all 100,000
// created at once, so every record is alive together).
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
export async function managerRun(count: number, extraReporters: Reporter[] = [], pattern: 'steady' | 'burst' = 'burst'): Promise<number> {
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
  if (pattern === 'steady') {
    for (let i = 0; i < count; i++) await manager.create({ kind: 'trivial', input: i });
  } else {
    const creations: Promise<unknown>[] = [];
    for (let i = 0; i < count; i++) creations.push(manager.create({ kind: 'trivial', input: i }));
    await Promise.all(creations);
  }
  await finished;
  const elapsed = performance.now() - start;
  await manager.shutdown();
  return elapsed;
}

export async function main(): Promise<void> {
  const bare: number[] = [];
  const steady: number[] = [];
  const burst: number[] = [];
  await managerRun(10_000, [], 'steady'); // warm-up
  await managerRun(10_000, [], 'burst');
  for (let round = 0; round < ROUNDS; round++) {
    bare.push(await barePromises());
    steady.push(await managerRun(TASKS, [], 'steady'));
    burst.push(await managerRun(TASKS, [], 'burst'));
    console.log(`  round ${round + 1}: bare ${bare.at(-1)!.toFixed(1)} ms, steady ${steady.at(-1)!.toFixed(0)} ms, burst ${burst.at(-1)!.toFixed(0)} ms`);
  }
  const perSecond = (ms: number[]) => TASKS / (median(ms) / 1000);
  writeResult({
    name: 'task-throughput',
    description: `${TASKS.toLocaleString()} trivial tasks through TaskManager (memory store, one reporter) vs bare promises; steady = each create awaited, burst = all created at once (${ROUNDS} rounds, medians)`,
    figures: {
      tasks: TASKS,
      bareMs: bare,
      steadyMs: steady,
      burstMs: burst,
      steadyTasksPerSecond: perSecond(steady),
      burstTasksPerSecond: perSecond(burst),
      barePromisesPerSecond: perSecond(bare),
    },
    ratios: { steadyOverBareTime: median(steady) / median(bare), burstOverBareTime: median(burst) / median(bare) },
    targets: [
      { name: 'tasks per second (steady)', target: '>= 100000', measured: perSecond(steady), met: perSecond(steady) >= 100_000 },
      { name: 'tasks per second (burst)', target: '>= 100000', measured: perSecond(burst), met: perSecond(burst) >= 100_000 },
    ],
  });
}
