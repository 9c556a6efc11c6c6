// Issue 9, items 1–8: defects found trying the core as a user. Each test failed before its fix.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TaskManager } from '../src/index.js';
import type { TaskEvent, TaskStatus } from '../src/index.js';
import { MemoryTaskStore } from '../src/spi.js';
import type { TaskPatch, UpdateResult } from '../src/spi.js';
import { recorder, sleep, until } from './helpers.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

/** Runs a fixture script on the built package; resolves with its exit code and output. */
function runScript(name: string, timeoutMs = 20_000): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fixture(name)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not exit within ${timeoutMs} ms: ${out}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

const progressValues = (events: TaskEvent[], taskId: string) =>
  events.filter((e): e is Extract<TaskEvent, { type: 'progress' }> => e.type === 'progress' && e.taskId === taskId).map((e) => e.progress);

describe('issue 9.1: timers a task depends on keep the process alive', () => {
  it('a script awaiting a task in retry backoff, and one whose attempt times out, exit 0 with the result', async () => {
    const { code, out } = await runScript('retry-keeps-alive.mjs');
    expect(out).toContain('retry result: second');
    expect(out).toContain('timeout status: failed timeout');
    expect(code).toBe(0);
  });
});

describe('issue 9.2: a task that succeeds on a later attempt', () => {
  it('has no error on its completed record', async () => {
    const m = new TaskManager({ retry: { maxAttempts: 2, initialDelayMs: 1, jitter: 'none' } });
    const task = await m.create({ kind: 'flaky', fn: (_i, ctx) => { if (ctx.attempt === 1) throw new Error('first fails'); return 'ok'; } });
    const record = await task.wait();
    expect(record.status).toBe('completed');
    expect(record.error).toBeUndefined();
    expect(record.nextAttemptAt).toBeUndefined();
    expect((await m.get(task.id))!.error).toBeUndefined();
    await m.shutdown();
  });
});

describe('issue 9.3: after a retry, reporters see progress end at 100', () => {
  it('whatever the first attempt reached', async () => {
    const rec = recorder();
    const m = new TaskManager({ reporters: [rec], progress: { minIntervalMs: 0 }, retry: { maxAttempts: 2, initialDelayMs: 1, jitter: 'none' } });
    const task = await m.create({
      kind: 'k',
      fn: (_i, ctx) => {
        ctx.progress.update(80, 'most of it');
        if (ctx.attempt === 1) throw new Error('broke at 80');
        return 'done';
      },
    });
    await task.wait();
    await m.flush();
    const values = progressValues(rec.events, task.id);
    expect(values.at(-1)).toBe(100);
    expect((await m.get(task.id))!.progress).toBe(100);
    await m.shutdown();
  });
});

describe('issue 9.4: a phase that throws or is aborted leaves progress where it was', () => {
  it('the callback form: no jump to the slot end, no false milestones, failed carries the value reached', async () => {
    const rec = recorder();
    const m = new TaskManager({ reporters: [rec], progress: { minIntervalMs: 0 } });
    const task = await m.create({
      kind: 'k',
      fn: async (_i, ctx) => {
        ctx.progress.update(10);
        await ctx.progress.phase('Deleting', { total: 10, to: 90 }, (phase) => {
          phase.updateItem(1); // 2 of 10 items: 10 + 16 = 26
          throw new Error('registry down');
        });
      },
    });
    await task.wait();
    await m.flush();
    const failed = rec.of('failed', task.id)[0] as Extract<TaskEvent, { type: 'failed' }>;
    expect(failed.progress).toBeCloseTo(26);
    expect(Math.max(...progressValues(rec.events, task.id))).toBeCloseTo(26);
    expect(rec.of('milestone', task.id).map((e) => (e as { milestone: number }).milestone)).toEqual([25]);
    await m.shutdown();
  });

  it('the `await using` form, aborted by a cancel: the cancelled event carries the value reached', async () => {
    const rec = recorder();
    const m = new TaskManager({ reporters: [rec], progress: { minIntervalMs: 0 } });
    let reached!: () => void;
    const atItem = new Promise<void>((resolve) => (reached = resolve));
    const task = await m.create({
      kind: 'k',
      fn: async (_i, ctx) => {
        await using phase = ctx.progress.phase('Copying', { total: 4, to: 100 });
        phase.updateItem(0); // 25
        reached();
        await new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)));
      },
    });
    await atItem;
    await task.cancel('stop');
    await sleep(20);
    await m.flush();
    expect((rec.of('cancelled', task.id)[0] as { progress: number }).progress).toBe(25);
    expect(Math.max(...progressValues(rec.events, task.id))).toBe(25);
    await m.shutdown();
  });

  it('the `await using` form, left by a throw: no jump to the slot end', async () => {
    const rec = recorder();
    const m = new TaskManager({ reporters: [rec], progress: { minIntervalMs: 0 } });
    const task = await m.create({
      kind: 'k',
      fn: async (_i, ctx) => {
        await using phase = ctx.progress.phase('Copying', { total: 10, to: 80 });
        phase.updateItem(2); // 3 of 10: 24
        throw new Error('copy failed');
      },
    });
    await task.wait();
    await m.flush();
    expect((rec.of('failed', task.id)[0] as { progress: number }).progress).toBeCloseTo(24);
    expect(Math.max(...progressValues(rec.events, task.id))).toBeCloseTo(24);
    expect(rec.of('milestone', task.id)).toEqual([]);
    await m.shutdown();
  });

  it('a retry after a failed phase starts where progress really was, not at the slot end', async () => {
    const rec = recorder();
    const m = new TaskManager({ reporters: [rec], progress: { minIntervalMs: 0 }, retry: { maxAttempts: 2, initialDelayMs: 1, jitter: 'none' } });
    const task = await m.create({
      kind: 'k',
      fn: async (_i, ctx) => {
        await ctx.progress.phase('Scan', { to: 90 }, (phase) => {
          phase.update(10); // 9 overall
          if (ctx.attempt === 1) throw new Error('flaky');
        });
      },
    });
    await task.wait();
    await m.flush();
    const retrying = rec.of('retrying', task.id)[0] as Extract<TaskEvent, { type: 'retrying' }>;
    expect(retrying.progress).toBeCloseTo(9);
    await m.shutdown();
  });
});

describe('issue 9.5: every progress event carries rate and etaMs', () => {
  it('the final 100 added by the manager (ETA 0) and heartbeats', async () => {
    const rec = recorder();
    const m = new TaskManager({ reporters: [rec], progress: { heartbeatMs: 60 } });
    const task = await m.create({
      kind: 'k',
      fn: async (_i, ctx) => {
        ctx.progress.update(40);
        await sleep(250);
        return 'returns below 100';
      },
    });
    await task.wait();
    const quiet = await m.create({ kind: 'k', fn: () => 'never touches progress' });
    await quiet.wait();
    await m.flush();
    const events = rec.of('progress') as Extract<TaskEvent, { type: 'progress' }>[];
    expect(events.some((e) => e.heartbeat)).toBe(true);
    for (const e of events) {
      expect(typeof e.rate, JSON.stringify(e)).toBe('number');
      expect(typeof e.etaMs, JSON.stringify(e)).toBe('number');
    }
    for (const id of [task.id, quiet.id]) {
      const last = events.filter((e) => e.taskId === id).at(-1)!;
      expect(last).toMatchObject({ progress: 100, etaMs: 0 });
    }
    await m.shutdown();
  });
});

describe('issue 9.6: a kind nobody defined', () => {
  it('is refused with a typed error naming the kind', async () => {
    const m = new TaskManager();
    const error = await m.create({ kind: 'no-such-kind' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'unknown_kind', kind: 'no-such-kind' });
    expect(String((error as Error).message)).toContain('no-such-kind');
    expect((await m.list()).tasks).toEqual([]);
    await m.shutdown();
  });

  it('is accepted when the caller says it will be defined later, and runs once it is', async () => {
    const m = new TaskManager();
    const task = await m.create({ kind: 'later', input: 2, awaitDefinition: true });
    expect((await task.get())!.status).toBe('queued');
    m.define('later', (n: number) => n * 21);
    expect(await task.result()).toBe(42);
    await m.shutdown();
  });
});

/** A memory store that keeps only JSON, as durable stores do: a BigInt or a cycle cannot be stored. */
class JsonOnlyStore extends MemoryTaskStore {
  override async update(id: string, patch: TaskPatch, options?: { expect?: readonly TaskStatus[] }): Promise<UpdateResult> {
    JSON.stringify(patch);
    return super.update(id, patch, options);
  }
}

describe('issue 9.7: a result or checkpoint the store cannot keep', () => {
  it('fails the task with an error naming what could not be stored, without a crash', async () => {
    const m = new TaskManager({ store: new JsonOnlyStore() });
    const result = await m.create({ kind: 'k', fn: () => ({ total: 10n }) });
    const record = await result.wait({ timeoutMs: 5000 });
    expect(record.status).toBe('failed');
    expect(record.error).toMatchObject({ code: 'store_write_failed' });
    expect(record.error!.message).toMatch(/result/);
    expect(record.error!.message).toMatch(/BigInt/);
    const checkpoint = await m.create({
      kind: 'k',
      fn: async (_i, ctx) => {
        await ctx.checkpoint({ at: 5n });
        return 'unreachable';
      },
    });
    const failed = await checkpoint.wait({ timeoutMs: 5000 });
    expect(failed.status).toBe('failed');
    expect(failed.error!.message).toMatch(/checkpoint/);
    await m.shutdown();
  });

  it('a store that fails every write still ends the task failed, never stuck', async () => {
    let broken = false;
    class BreakingStore extends MemoryTaskStore {
      override async update(id: string, patch: TaskPatch, options?: { expect?: readonly TaskStatus[] }): Promise<UpdateResult> {
        if (broken) throw new Error('disk full');
        return super.update(id, patch, options);
      }
    }
    const m = new TaskManager({ store: new BreakingStore() });
    let go!: () => void;
    const gate = new Promise<void>((resolve) => (go = resolve));
    const task = await m.create({ kind: 'k', fn: async () => { await gate; return 'done'; } });
    await until(async () => (await m.get(task.id))?.status === 'working');
    broken = true;
    go();
    const record = await task.wait({ timeoutMs: 5000 });
    expect(record.status).toBe('failed');
    expect(record.error!.message).toMatch(/disk full/);
    await until(() => m.stats().tasks.running === 0);
    await m.shutdown();
  });
});

describe('issue 9.8: shutdown with a hung reporter', () => {
  it('resolves within its timeout and closes the store', async () => {
    let storeClosed = false;
    class ClosingStore extends MemoryTaskStore {
      close(): void {
        storeClosed = true;
      }
    }
    const hung = { name: 'hung', onEvent: () => new Promise<void>(() => {}) };
    const m = new TaskManager({ store: new ClosingStore(), reporters: [hung], hub: { onReporterTrouble: () => {} } });
    for (let i = 0; i < 5; i++) await (await m.create({ kind: 'k', fn: () => i })).wait();
    const started = Date.now();
    await m.shutdown({ timeoutMs: 500 });
    expect(Date.now() - started).toBeLessThan(1500);
    expect(storeClosed).toBe(true);
  });

  it('settles even when nothing else keeps Node alive', async () => {
    const { code, out } = await runScript('shutdown-hung-reporter.mjs');
    expect(out).toContain('shutdown settled');
    expect(code).toBe(0);
  });
});
