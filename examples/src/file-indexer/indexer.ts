// The file indexer's task: scan a directory tree, hash every file (sha256, streamed), write an
// index, in weighted phases (scan 0–10 %, hash 10–90 %, write 90–100 %). Resumable: the hash phase
// appends each file's line to a work file and checkpoints how much of it is durable, so a run
// interrupted by a crash goes on from there instead of from zero.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, rm, stat, truncate, writeFile } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { TaskContext } from '@headway/core';
import { ItemStatus } from '../shared/status-line.js';

export interface IndexInput {
  /** Absolute path of the directory to index. */
  root: string;
  /** Where to write the index (absolute); default `<indexDir>/<taskId>.json`. */
  output?: string;
  /** Directory names not descended into. */
  exclude: string[];
}

export interface IndexResult {
  root: string;
  index: string;
  files: number;
  bytes: number;
  /** sha256 of the index file. */
  index_sha256: string;
  /** Files hashed before a restart, which this run did not hash again (0 for an uninterrupted run). */
  resumed_after_files: number;
}

export interface IndexerOptions {
  /** Work files of running tasks live under `<workDir>/<taskId>/`. */
  workDir: string;
  /** Default directory of the indexes. */
  indexDir: string;
  /** Pause after each file (simulates slow storage, so the phases can be watched). Default 0. */
  hashDelayMs?: number;
}

/** What a checkpoint holds: the hash phase's position, and how many bytes of `hashes.jsonl` are durable. */
interface HashCheckpoint {
  stage: 'hash';
  files: number;
  hashed: number;
  durableBytes: number;
}

interface FileEntry {
  path: string;
  size: number;
}

export function indexDirectory(options: IndexerOptions) {
  return async (input: IndexInput, ctx: TaskContext): Promise<IndexResult> => {
    if (!isAbsolute(input.root)) throw new Error(`root must be an absolute path, got ${JSON.stringify(input.root)}`);
    const rootStat = await stat(input.root).catch(() => undefined);
    if (!rootStat?.isDirectory()) throw new Error(`root is not a directory: ${input.root}`);
    if (input.output !== undefined && !isAbsolute(input.output)) throw new Error(`output must be an absolute path, got ${JSON.stringify(input.output)}`);
    const work = join(options.workDir, ctx.taskId);
    const listFile = join(work, 'files.jsonl');
    const hashFile = join(work, 'hashes.jsonl');
    try {
      let checkpoint = ctx.resumeFrom as HashCheckpoint | undefined;
      if (checkpoint) {
        ctx.progress.update(10, `Resuming after ${checkpoint.hashed} of ${checkpoint.files} files`);
        ctx.log.info(`Resuming: ${checkpoint.hashed} of ${checkpoint.files} files were hashed before the restart`);
      } else {
        await rm(work, { recursive: true, force: true });
        await mkdir(work, { recursive: true });
        const files = await scan(input, ctx);
        await writeFile(listFile, files.map((f) => JSON.stringify(f)).join('\n') + (files.length ? '\n' : ''));
        await writeFile(hashFile, '');
        checkpoint = { stage: 'hash', files: files.length, hashed: 0, durableBytes: 0 };
        await ctx.checkpoint(checkpoint);
      }
      const files = (await readFile(listFile, 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as FileEntry);
      await hashFiles(input.root, files, checkpoint, hashFile, options.hashDelayMs ?? 0, ctx);
      const output = input.output ?? join(options.indexDir, `${ctx.taskId}.json`);
      const result = await writeIndex(input.root, hashFile, output, checkpoint.hashed, ctx);
      await rm(work, { recursive: true, force: true });
      return result;
    } catch (error) {
      // Failed or cancelled: the work files go. Stopped by a shutdown: they stay, the task resumes from them.
      if ((ctx.signal.reason as { code?: string } | undefined)?.code !== 'shutdown') await rm(work, { recursive: true, force: true });
      throw error;
    }
  };
}

async function scan(input: IndexInput, ctx: TaskContext): Promise<FileEntry[]> {
  const exclude = new Set(input.exclude);
  return ctx.progress.phase('Scanning', { to: 10 }, async (phase) => {
    const files: FileEntry[] = [];
    const pending = [input.root];
    let dirs = 0;
    while (pending.length > 0) {
      ctx.signal.throwIfAborted();
      const dir = pending.pop()!;
      const entries = await readdir(dir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
        ctx.log.warning(`Skipped ${dir}: ${error.code ?? error.message}`);
        return [];
      });
      for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
        const path = join(dir, entry.name);
        // Symbolic links are not followed (no loops, nothing outside the root).
        if (entry.isDirectory() && !exclude.has(entry.name)) pending.push(path);
        else if (entry.isFile()) files.push({ path: relative(input.root, path), size: (await stat(path)).size });
      }
      dirs++;
      // The total is unknown while scanning: what share of the directories seen so far is done.
      phase.update((95 * dirs) / (dirs + pending.length), `Scanning: ${files.length} files in ${dirs} directories`);
    }
    ctx.log.info(`Found ${files.length} files in ${dirs} directories under ${input.root}`);
    return files;
  });
}

async function hashFiles(root: string, files: FileEntry[], checkpoint: HashCheckpoint, hashFile: string, hashDelayMs: number, ctx: TaskContext): Promise<void> {
  // Lines past the last checkpoint may be half written: drop them, they are hashed again.
  await truncate(hashFile, checkpoint.durableBytes);
  const out: FileHandle = await open(hashFile, 'a');
  const status = new ItemStatus('Hashing', files.length, checkpoint.hashed);
  let written = checkpoint.durableBytes;
  let lastCheckpoint = Date.now();
  try {
    await ctx.progress.phase('Hashing', { total: Math.max(1, files.length), to: 90 }, async (phase) => {
      if (checkpoint.hashed > 0) phase.updateItem(checkpoint.hashed - 1, status.line());
      for (let i = checkpoint.hashed; i < files.length; i++) {
        const file = files[i]!;
        const sha256 = await hashFile256(join(root, file.path), ctx.signal);
        const line = `${JSON.stringify({ path: file.path, size: file.size, sha256 })}\n`;
        await out.write(line);
        written += Buffer.byteLength(line);
        phase.updateItem(i, status.advance());
        if (hashDelayMs > 0) await delay(hashDelayMs, undefined, { signal: ctx.signal });
        if (i + 1 === files.length || Date.now() - lastCheckpoint >= 500) {
          await out.datasync();
          checkpoint = { ...checkpoint, hashed: i + 1, durableBytes: written };
          await ctx.checkpoint(checkpoint);
          lastCheckpoint = Date.now();
        }
      }
    });
  } finally {
    await out.close();
  }
}

async function hashFile256(path: string, signal: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { signal })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function writeIndex(root: string, hashFile: string, output: string, resumedAfter: number, ctx: TaskContext): Promise<IndexResult> {
  return ctx.progress.phase('Writing index', { to: 100 }, async (phase) => {
    const lines = (await readFile(hashFile, 'utf8')).split('\n').filter(Boolean);
    phase.update(30, `Writing index: ${lines.length} files`);
    const entries = lines.map((l) => JSON.parse(l) as FileEntry & { sha256: string });
    const bytes = entries.reduce((sum, e) => sum + e.size, 0);
    const text = `${JSON.stringify({ root, created_at: new Date().toISOString(), files: entries.length, bytes, entries }, null, 1)}\n`;
    await mkdir(join(output, '..'), { recursive: true });
    // Written beside, then renamed: a reader never sees half an index.
    await writeFile(`${output}.partial`, text);
    await rename(`${output}.partial`, output);
    ctx.log.notice(`Index of ${entries.length} files written to ${output}`);
    return {
      root,
      index: output,
      files: entries.length,
      bytes,
      index_sha256: createHash('sha256').update(text).digest('hex'),
      resumed_after_files: resumedAfter,
    };
  });
}
