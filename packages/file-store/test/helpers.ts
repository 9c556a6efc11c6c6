import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TaskRecord } from '@headway/core/spi';

export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function tempDir(prefix = 'hw-fs-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export function taskRecord(id: string, seq: number, extra: Partial<TaskRecord> = {}): TaskRecord {
  return {
    id,
    owner: 'alice',
    kind: 'test',
    seq,
    status: 'queued',
    metadata: {},
    progress: 0,
    attempt: 1,
    maxAttempts: 1,
    createdAt: 1_700_000_000_000 + seq,
    ttlMs: 60_000,
    dependsOn: [],
    resumable: false,
    ...extra,
  };
}

/** A child process whose stdout lines are collected as they arrive. */
export interface Child {
  proc: ChildProcess;
  lines: string[];
  stderr: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves once a line matching `test` arrived (rejects if the child exits first). */
  waitFor(test: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  kill(): Promise<void>;
}

export function spawnFixture(script: string, args: string[], env: Record<string, string> = {}): Child {
  const proc = spawn(process.execPath, [join(FIXTURES, script), ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const stderr: string[] = [];
  const listeners = new Set<() => void>();
  let partial = '';
  proc.stdout!.setEncoding('utf8');
  proc.stdout!.on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
    for (const l of listeners) l();
  });
  proc.stderr!.setEncoding('utf8');
  proc.stderr!.on('data', (chunk: string) => stderr.push(chunk));
  let done = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on('exit', (code, signal) => {
      done = true;
      for (const l of listeners) l();
      resolve({ code, signal });
    }),
  );
  return {
    proc,
    lines,
    stderr,
    exited,
    waitFor(test, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => finish(new Error(`timed out waiting for output; stderr: ${stderr.join('')}`)), timeoutMs);
        const check = () => {
          const found = lines.find(test);
          if (found !== undefined) finish(undefined, found);
          else if (done) finish(new Error(`child exited before the expected output; stderr: ${stderr.join('')}`));
        };
        function finish(error?: Error, line?: string) {
          clearTimeout(timer);
          listeners.delete(check);
          if (error) reject(error);
          else resolve(line!);
        }
        listeners.add(check);
        check();
      });
    },
    async kill() {
      if (!done) proc.kill('SIGKILL');
      await exited;
    },
  };
}
