// A core-only demo: a real multi-phase task (index and hash this repository's files) run by a
// TaskManager on the embedded defaults, with live progress and the lifecycle log in the terminal.
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TaskManager } from '@headway/core';
import { indexFiles } from './file-index-task.js';
import type { FileIndexResult } from './file-index-task.js';
import { terminalReporter } from './terminal-progress.js';

const root = resolve(fileURLToPath(import.meta.url), '../../..');
const manager = new TaskManager({ reporters: [terminalReporter()], progress: { minIntervalMs: 50 } });
manager.define('file-index', indexFiles, { timeoutMs: 120_000 });

console.log(`Headway demo: indexing ${root}\n`);
const task = await manager.create<unknown, FileIndexResult>({
  kind: 'file-index',
  input: { root, manifest: join(tmpdir(), 'headway-demo-manifest.txt') },
  metadata: { requestedBy: 'demo' },
});
const result = await task.result();
await manager.flush();
const record = await task.get();
console.log(`\nResult: ${result.files} files, ${(result.bytes / 1e6).toFixed(1)} MB, manifest digest ${result.digest.slice(0, 16)}…`);
console.log(`Task ${task.id} is ${record?.status}; kept until ${new Date(record!.expiresAt!).toISOString()}`);
await manager.shutdown();
