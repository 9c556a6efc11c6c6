import { afterEach, describe, expect, it } from 'vitest';
// The worker entry is compiled JavaScript, so this test runs against the build.
import { TaskManager, WorkerThreadExecutor } from '../dist/index.js';
import type { TaskEvent } from '../dist/index.js';
import { recorder, until } from './helpers.js';

const fixtures = new URL('./fixtures/worker-tasks.mjs', import.meta.url);
let m: TaskManager;
afterEach(() => m?.shutdown({ mode: 'abort', timeoutMs: 1000 }));

describe('WorkerThreadExecutor', () => {
  it('runs a module task in its own thread with progress, logs, checkpoints and exact resources', async () => {
    const rec = recorder();
    m = new TaskManager({ reporters: [rec], progress: { minIntervalMs: 0 } });
    m.define('burn', { module: fixtures, export: 'burn' }, { executor: new WorkerThreadExecutor() });
    const handle = await m.create<{ rounds: number }, { threadId: number }>({ kind: 'burn', input: { rounds: 4 } });
    const result = await handle.result();
    expect(result.threadId).toBeGreaterThan(0);
    await m.flush();
    const progress = rec.of('progress').map((e) => (e as { progress: number }).progress);
    expect(progress).toContain(25);
    expect(progress.at(-1)).toBe(100);
    expect(rec.of('log')[0]).toMatchObject({ message: 'burned' });
    expect((await m.get(handle.id))!.checkpoint).toEqual({ rounds: 4 });
    const end = rec.events.find((e) => e.type === 'resources' && e.sample === 'end') as Extract<TaskEvent, { type: 'resources' }>;
    expect(end.shared).toBe(false);
    expect(end.cpuUserMs).toBeGreaterThan(0);
  });

  it('terminates a task that ignores cancellation after the grace period', async () => {
    m = new TaskManager();
    const executor = new WorkerThreadExecutor({ terminateGraceMs: 50 });
    m.define('stubborn', { module: fixtures, export: 'stubborn' }, { executor });
    const handle = await m.create({ kind: 'stubborn' });
    await until(async () => (await m.get(handle.id))?.status === 'working');
    expect((await handle.cancel()).status).toBe('cancelled');
    await until(() => (executor as unknown as { workers: Set<unknown> }).workers.size === 0, 3000);
  });

  it('carries the error name and code across the thread boundary', async () => {
    m = new TaskManager();
    m.define('failing', { module: fixtures, export: 'failing' }, { executor: new WorkerThreadExecutor() });
    const handle = await m.create({ kind: 'failing' });
    expect(await handle.wait()).toMatchObject({ status: 'failed', error: { message: 'worker says no', code: 'custom_code' } });
  });

  it('refuses a plain function with a clear error', async () => {
    m = new TaskManager();
    m.define('fn', () => 1, { executor: new WorkerThreadExecutor() });
    const handle = await m.create({ kind: 'fn' });
    expect((await handle.wait()).error?.message).toMatch(/module handler/);
  });
});
