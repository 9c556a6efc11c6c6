// The demo's long-running work: a batch of items, each hashed and written to its own file, paced
// by `itemMs` so that it can be watched. A checkpoint after every item makes it resumable: after a
// crash, the task goes on from the first item not yet written.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TaskContext } from '@headway/core';

export interface BatchInput {
  name: string;
  items: number;
  itemMs: number;
}

export interface BatchResult {
  [key: string]: unknown;
  name: string;
  items: number;
  /** The first item of this run, when it resumed from a checkpoint; absent for a run from the start. */
  resumedFrom?: number;
  /** Items processed by this run (those before `resumedFrom` were done before the restart). */
  processedNow: number;
  /** Item files on disk at the end: every item, exactly once. */
  filesOnDisk: number;
  /** SHA-256 over the digests read back from the item files, in order. */
  digest: string;
}

interface Checkpoint {
  next: number;
}

/** Runs (or resumes) a batch in `workDir/<taskId>/`. */
export async function runBatch(workDir: string, input: BatchInput, ctx: TaskContext): Promise<BatchResult> {
  const dir = join(workDir, ctx.taskId);
  mkdirSync(dir, { recursive: true });
  const resumedFrom = (ctx.resumeFrom as Checkpoint | undefined)?.next;
  const start = resumedFrom ?? 0;
  const wait = (ms: number) => sleep(ms, undefined, { signal: ctx.signal });

  if (resumedFrom === undefined) {
    ctx.progress.update(0, 'Preparing');
    await wait(input.itemMs * 3);
    ctx.progress.update(5, 'Prepared');
  } else {
    ctx.log.info(`Resuming ${input.name} from its checkpoint: item ${start + 1} of ${input.items}`, { next: start });
  }

  // A phase starts where progress stands: after a restart it spans only the items left, so counts of
  // its own would start again at 1 ("1/30" at item 21 of 50). A resumed run's phase has no item
  // count; its messages say where the batch stands instead ("item 21 of 50").
  const left = input.items - start;
  await ctx.progress.phase('Processing', resumedFrom === undefined ? { total: input.items, to: 95 } : { to: 95 }, async (phase) => {
    for (let i = start; i < input.items; i++) {
      await wait(input.itemMs);
      const digest = createHash('sha256').update(`${input.name}:${i}`).digest('hex');
      writeFileSync(join(dir, itemFile(i)), `${JSON.stringify({ item: i, digest })}\n`);
      await ctx.checkpoint({ next: i + 1 } satisfies Checkpoint);
      if (resumedFrom === undefined) phase.updateItem(i, `item ${i + 1}`);
      else phase.update(((i + 1 - start) / left) * 100, `item ${i + 1} of ${input.items}`);
    }
  });

  ctx.progress.update(95, 'Summarising');
  const files = readdirSync(dir).filter((f) => f.startsWith('item-')).sort();
  const all = createHash('sha256');
  for (const file of files) all.update((JSON.parse(readFileSync(join(dir, file), 'utf8')) as { digest: string }).digest);
  const digest = all.digest('hex');
  writeFileSync(join(dir, 'summary.json'), `${JSON.stringify({ name: input.name, items: input.items, digest })}\n`);
  return {
    name: input.name,
    items: input.items,
    ...(resumedFrom !== undefined && { resumedFrom }),
    processedNow: input.items - start,
    filesOnDisk: files.length,
    digest,
  };
}

function itemFile(i: number): string {
  return `item-${String(i).padStart(6, '0')}.json`;
}
