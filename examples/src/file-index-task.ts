import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { TaskContext } from '@headway/core';

export interface FileIndexInput {
  root: string;
  manifest: string;
  /** Directory names not descended into. */
  skip?: string[];
}

export interface FileIndexResult {
  files: number;
  bytes: number;
  manifest: string;
  digest: string;
}

async function sha256(path: string, signal: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { signal })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Real work in three phases: walk a directory tree, hash every file, write a manifest.
 * Resumable: the hashing phase checkpoints every 200 files.
 */
export async function indexFiles(input: FileIndexInput, ctx: TaskContext): Promise<FileIndexResult> {
  const skip = new Set(input.skip ?? ['.git', '.turbo']);
  ctx.progress.plan([
    { name: 'Discovering files', weight: 1 },
    { name: 'Hashing files', weight: 8 },
    { name: 'Writing manifest', weight: 1 },
  ]);

  const files: string[] = [];
  await ctx.progress.phase('Discovering files', {}, async (phase) => {
    const pending = [input.root];
    while (pending.length > 0) {
      ctx.signal.throwIfAborted();
      const dir = pending.pop()!;
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        if (entry.isDirectory() && !skip.has(entry.name)) pending.push(join(dir, entry.name));
        else if (entry.isFile()) files.push(join(dir, entry.name));
      }
      phase.update(Math.min(95, files.length / 50), `${files.length} files found`);
    }
  });
  ctx.log.info(`Found ${files.length} files under ${input.root}`);

  const resume = ctx.resumeFrom as { done: number; entries: string[] } | undefined;
  const entries: string[] = resume?.entries ?? [];
  let bytes = 0;
  await ctx.progress.phase('Hashing files', { total: files.length }, async (phase) => {
    for (let i = entries.length; i < files.length; i++) {
      const file = files[i]!;
      bytes += (await stat(file)).size;
      entries.push(`${await sha256(file, ctx.signal)}  ${relative(input.root, file)}`);
      phase.updateItem(i, relative(input.root, file));
      if (i % 200 === 199) await ctx.checkpoint({ done: i + 1, entries });
    }
  });

  return ctx.progress.phase('Writing manifest', {}, async () => {
    const text = `${entries.join('\n')}\n`;
    await writeFile(input.manifest, text);
    ctx.log.notice(`Manifest written to ${input.manifest}`, { files: files.length, bytes });
    return { files: files.length, bytes, manifest: input.manifest, digest: createHash('sha256').update(text).digest('hex') };
  });
}
