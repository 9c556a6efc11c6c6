// Tutorial, step 1: the core alone. A task with phases, run by a TaskManager; a reporter prints its progress.
import { setTimeout as sleep } from 'node:timers/promises';
import { TaskManager } from '@headway/core';
import type { TaskContext } from '@headway/core';

const manager = new TaskManager({
  reporters: [{ onEvent: (e) => void (e.type === 'progress' && console.log(`${Math.round(e.progress)}% ${e.message ?? ''}`)) }],
});

async function resize(input: { images: string[] }, ctx: TaskContext) {
  ctx.progress.update(5, 'Checking the images');
  await ctx.progress.phase('Resizing', { total: input.images.length, to: 100 }, async (phase) => {
    for (const [i, image] of input.images.entries()) {
      await sleep(200, undefined, { signal: ctx.signal }); // the real work goes here; it stops on cancel
      phase.updateItem(i, `Resized ${image}`);
    }
  });
  return { resized: input.images.length };
}

manager.define('resize', resize, { timeoutMs: 60_000, retry: { maxAttempts: 3 } });
const task = await manager.create({ kind: 'resize', input: { images: ['a.png', 'b.png', 'c.png'] }, owner: 'alice' });
console.log(await task.result()); // { resized: 3 }
await manager.shutdown();
