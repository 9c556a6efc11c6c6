// What the store benchmarks share: a task record as the manager writes it, and a temp directory.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TaskRecord } from '@headway/core/spi';

/** Record number `n` with seq `seq`: queued, owner one of 16, a small input. */
export function benchRecord(n: number, seq: number, fields: Partial<TaskRecord> = {}): TaskRecord {
  return {
    id: `task-${n}-${Math.random().toString(36).slice(2, 10)}`,
    owner: `owner-${n % 16}`,
    kind: 'bench',
    seq,
    status: 'queued',
    input: { n },
    metadata: {},
    progress: 0,
    attempt: 1,
    maxAttempts: 1,
    createdAt: Date.now(),
    ttlMs: 3_600_000,
    dependsOn: [],
    resumable: false,
    ...fields,
  };
}

/** Runs `fn` in a new temp directory, removed afterwards. */
export async function withTempDir<T>(prefix: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
