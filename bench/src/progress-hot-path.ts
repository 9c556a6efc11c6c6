// 10,000,000 updateItem calls inside a phase of a real task, against an empty-function loop and
// against the naive approach: build a progress notification and hand it to an async sink per item.
import { performance } from 'node:perf_hooks';
import { TaskManager } from '@headway/core';
import type { TaskEvent } from '@headway/core';
import { median, writeResult } from './harness.js';

const ITEMS = 10_000_000;
const ROUNDS = 5;

function emptyLoop(): number {
  const target = { updateItem(_index: number): void {} };
  const start = performance.now();
  for (let i = 0; i < ITEMS; i++) target.updateItem(i);
  return performance.now() - start;
}

// What most MCP servers do today: one notification per item, serialised and awaited.
async function naiveLoop(): Promise<number> {
  let written = 0;
  const send = async (notification: object): Promise<void> => {
    written += JSON.stringify(notification).length;
  };
  const start = performance.now();
  for (let i = 0; i < ITEMS; i++) {
    await send({
      method: 'notifications/progress',
      params: { progressToken: 'token-1', progress: ((i + 1) / ITEMS) * 100, total: 100, message: 'Deleting subjects' },
    });
  }
  const elapsed = performance.now() - start;
  if (written === 0) throw new Error('naive sink wrote nothing');
  return elapsed;
}

async function headwayLoop(): Promise<{ ms: number; progressEvents: number; heartbeats: number }> {
  let progressEvents = 0;
  let heartbeats = 0;
  const manager = new TaskManager({
    reporters: [
      {
        name: 'count',
        onEvent: (e: TaskEvent) => {
          if (e.type !== 'progress') return;
          if (e.heartbeat) heartbeats++;
          else progressEvents++;
        },
      },
    ],
  });
  let ms = 0;
  const handle = await manager.create({
    kind: 'hot-path',
    fn: (_input, ctx) => {
      const phase = ctx.progress.phase('Deleting subjects', { total: ITEMS });
      const start = performance.now();
      for (let i = 0; i < ITEMS; i++) phase.updateItem(i);
      ms = performance.now() - start;
      phase.end();
    },
  });
  await handle.wait();
  await manager.shutdown();
  return { ms, progressEvents, heartbeats };
}

export async function main(): Promise<void> {
  const empty: number[] = [];
  const headway: number[] = [];
  const naive: number[] = [];
  const events: number[] = [];
  // Warm-up, not counted: lets the JIT settle on both loops.
  emptyLoop();
  await headwayLoop();
  for (let round = 0; round < ROUNDS; round++) {
    empty.push(emptyLoop());
    const h = await headwayLoop();
    headway.push(h.ms);
    events.push(h.progressEvents);
    naive.push(await naiveLoop());
    console.log(`  round ${round + 1}: empty ${empty.at(-1)!.toFixed(1)} ms, headway ${h.ms.toFixed(1)} ms (${h.progressEvents} events), naive ${naive.at(-1)!.toFixed(0)} ms`);
  }
  const overEmpty = median(headway) / median(empty);
  const fasterThanNaive = median(naive) / median(headway);
  writeResult({
    name: 'progress-hot-path',
    description: `${ITEMS.toLocaleString()} updateItem calls in a phase vs an empty-function loop and a naive notify-per-item loop (${ROUNDS} rounds, medians)`,
    figures: {
      items: ITEMS,
      emptyMs: empty,
      headwayMs: headway,
      naiveMs: naive,
      headwayNsPerCall: (median(headway) * 1e6) / ITEMS,
      progressEventsDelivered: events,
    },
    ratios: { headwayOverEmpty: overEmpty, naiveOverHeadway: fasterThanNaive },
    targets: [
      { name: 'headway / empty loop', target: '<= 15', measured: overEmpty, met: overEmpty <= 15 },
      { name: 'naive / headway', target: '>= 100', measured: fasterThanNaive, met: fasterThanNaive >= 100 },
      { name: 'progress events delivered', target: '<= 110', measured: Math.max(...events), met: Math.max(...events) <= 110 },
    ],
  });
}
