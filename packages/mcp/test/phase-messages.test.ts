// A running task reads one way everywhere: the status line (phase – message: counts (percent), ETA)
// is the statusMessage of tasks/get on both bindings and generations (SDK v1's 2025-11-25, SDK v2's
// 2025-11-25 and tasks extension) and of task_status. A message belongs to the phase that set it:
// once a phase starts, the line names the phase without the message from before it ("Deleting
// subjects – Found 42 subjects" would say the phase found them), until the phase says something of
// its own. A task recovered after a restart, of which this process saw no progress yet, reads what
// its record holds; an ended one, why it ended.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ANY_OWNER } from '@headway/core';
import type { TaskContext, TaskManager } from '@headway/core';
import { FileTaskStore } from '@headway/file-store';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CreateTaskResultSchema } from '@modelcontextprotocol/sdk/types.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { progressMemoOf } from '../src/progress-memo.js';
import type { HeadwayMcpV2 } from '../src/v2.js';
import { eventually, inMemory, newManager } from './support/harness.js';
import type { InMemorySetup } from './support/harness.js';
import { v2InProcessPerTest } from './support/v2-in-process.js';
import { callTool, taskRequest } from './support/wire.js';

/** Points a handler waits at, opened one by one by the test. */
class Steps {
  private readonly opens: (() => void)[] = [];
  private readonly reached: Promise<void>[];

  constructor(count: number) {
    this.reached = Array.from({ length: count }, () => new Promise<void>((resolve) => this.opens.push(resolve)));
  }

  at(step: number): Promise<void> {
    return this.reached[step]!;
  }

  open(step: number): void {
    this.opens[step]!();
  }
}

/** A message, then a phase of four items: the first without a message, the second with one; then it waits to be cancelled. */
async function countSubjects(ctx: TaskContext, steps: Steps): Promise<never> {
  ctx.progress.update(10, 'Found 42 subjects');
  await steps.at(0);
  return ctx.progress.phase('Deleting subjects', { total: 4, to: 90 }, async (phase) => {
    await steps.at(1);
    phase.updateItem(0);
    await steps.at(2);
    phase.updateItem(1, 'Deleted orders-value');
    return new Promise<never>((_resolve, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason as Error), { once: true }));
  });
}

/** Opens each step in turn and waits until the status says what it should then. */
async function walk(steps: Steps, statusMessage: () => Promise<string | undefined>, expected: readonly RegExp[]): Promise<void> {
  let seen: string | undefined;
  for (const [step, line] of expected.entries()) {
    if (step > 0) steps.open(step - 1);
    await eventually(async () => line.test((seen = await statusMessage()) ?? ''), 5_000).catch(() => {
      throw new Error(`step ${step}: expected a statusMessage matching ${line}, last saw ${JSON.stringify(seen)}`);
    });
  }
}

/** The status line at each step of countSubjects: the same on every binding and method. */
const LINES: readonly RegExp[] = [
  /^Found 42 subjects: 10 %/,
  /^Deleting subjects: 0\/4 \(10 %\)/,
  /^Deleting subjects: 1\/4 \(30 %\)/,
  /^Deleting subjects – Deleted orders-value: 2\/4 \(50 %\)/,
];

/** Ends when the task is cancelled (or, after `failAfterMs`, fails). */
function untilAborted(ctx: TaskContext, failAfterMs?: number): Promise<never> {
  return new Promise<never>((_resolve, reject) => {
    if (failAfterMs !== undefined) setTimeout(() => reject(new Error('Registry unreachable')), failAfterMs);
    ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason as Error), { once: true });
  });
}

/** Reports 10 % with a message, then waits to be cancelled, or (`fail`) fails. */
function foundSubjects(ctx: TaskContext, fail = false): Promise<never> {
  ctx.progress.update(10, 'Found 42 subjects');
  return untilAborted(ctx, fail ? 100 : undefined);
}

/** A task's record, once its store holds `progress`. */
async function storedAt(manager: TaskManager, taskId: string, progress: number): Promise<void> {
  await eventually(async () => ((await manager.get(taskId, { owner: ANY_OWNER }))?.progress ?? 0) >= progress);
}

/** A manager on the file store in `dir` that sends no heartbeat during a test: what it shows of a recovered task comes from the record. */
function fileManager(dir: string): TaskManager {
  return newManager({ store: new FileTaskStore(dir), progress: { heartbeatMs: 600_000, minIntervalMs: 50 } });
}

describe('the status of a running task: one status line', () => {
  let setup: InMemorySetup | undefined;
  afterEach(async () => {
    await setup?.close();
    setup = undefined;
  });

  /** An SDK v1 server with count_subjects, and a native task of it. */
  async function countingOnV1(steps: Steps): Promise<{ client: InMemorySetup['client']; taskId: string }> {
    setup = await inMemory();
    setup.headway.registerTool('count_subjects', { description: 'Finds subjects, then deletes them.', task: { mode: 'native' } }, (_args, ctx) => countSubjects(ctx, steps));
    const { client } = setup;
    const created = await client.request({ method: 'tools/call', params: { name: 'count_subjects', arguments: {}, task: { ttl: 60_000 } } }, CreateTaskResultSchema);
    return { client, taskId: created.task.taskId };
  }

  it('SDK v1: tasks/get shows the status line, the phase without the message from before it', async () => {
    const steps = new Steps(3);
    const { client, taskId } = await countingOnV1(steps);
    await walk(steps, async () => (await client.experimental.tasks.getTask(taskId)).statusMessage, LINES);
  });

  it('SDK v1: task_status shows the same status line', async () => {
    const steps = new Steps(3);
    const { client, taskId } = await countingOnV1(steps);
    const statusMessage = async (): Promise<string | undefined> => {
      const result = (await client.callTool({ name: 'task_status', arguments: { taskId } })) as CallToolResult;
      return (result.structuredContent as { task?: { statusMessage?: string } } | undefined)?.task?.statusMessage;
    };
    await walk(steps, statusMessage, LINES);
  });

  it('SDK v1: tasks/get of a task recovered after a restart, with no progress seen here yet, shows what its record holds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'headway-phase-messages-'));
    const managers: TaskManager[] = [];
    try {
      // After the restart it goes on without reporting anything.
      let restarted = false;
      const register = (s: InMemorySetup) =>
        s.headway.registerTool('found_subjects', { description: 'Finds subjects, then waits.', task: { mode: 'native', resumable: true } }, (_args, ctx) =>
          restarted ? untilAborted(ctx) : foundSubjects(ctx),
        );
      const before = fileManager(dir);
      managers.push(before);
      setup = await inMemory({ manager: before });
      register(setup);
      const created = await setup.client.request({ method: 'tools/call', params: { name: 'found_subjects', arguments: {}, task: { ttl: 60_000 } } }, CreateTaskResultSchema);
      const id = created.task.taskId;
      await storedAt(before, id, 10);
      await setup.close();
      await before.shutdown({ mode: 'abort', timeoutMs: 2_000 });

      restarted = true;
      const after = fileManager(dir);
      managers.push(after);
      setup = await inMemory({ manager: after });
      register(setup);
      await after.start();
      const task = await setup.client.experimental.tasks.getTask(id);
      expect(progressMemoOf(after).facts(id, Date.now())).toBeUndefined();
      expect(task.status).toBe('working');
      expect(task.statusMessage).toMatch(LINES[0]!);
    } finally {
      await setup?.close();
      setup = undefined;
      for (const manager of managers) await manager.shutdown({ mode: 'abort', timeoutMs: 2_000 });
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('SDK v1: tasks/get of an ended task: no statusMessage once completed, why it ended once failed or cancelled', async () => {
    setup = await inMemory();
    setup.headway.registerTool('finds', { description: 'Finds subjects, then waits.', task: { mode: 'native' } }, (_args, ctx) => foundSubjects(ctx));
    setup.headway.registerTool('fails', { description: 'Finds subjects, then fails.', task: { mode: 'native' } }, (_args, ctx) => foundSubjects(ctx, true));
    setup.headway.registerTool('completes', { description: 'Finds subjects, then returns.', task: { mode: 'native' } }, (_args, ctx) => {
      ctx.progress.update(10, 'Found 42 subjects');
      return Promise.resolve({ found: 42 });
    });
    const { client } = setup;
    const start = async (name: string) => (await client.request({ method: 'tools/call', params: { name, arguments: {}, task: { ttl: 60_000 } } }, CreateTaskResultSchema)).task.taskId;
    const ended = async (id: string, status: string) => {
      let task = await client.experimental.tasks.getTask(id);
      await eventually(async () => (task = await client.experimental.tasks.getTask(id)).status === status);
      return task;
    };
    const cancelled = await start('finds');
    await storedAt(setup.manager, cancelled, 10);
    await client.experimental.tasks.cancelTask(cancelled);
    const reason = (await setup.manager.get(cancelled, { owner: ANY_OWNER }))?.error?.message;
    expect(reason).toBeTruthy();
    expect((await ended(cancelled, 'cancelled')).statusMessage).toBe(reason);
    expect((await ended(await start('fails'), 'failed')).statusMessage).toBe('Registry unreachable');
    expect(await ended(await start('completes'), 'completed')).not.toHaveProperty('statusMessage');
  });

  const serve = v2InProcessPerTest();

  /** An SDK v2 server (in this process) with count_subjects. */
  const countingOnV2 = (steps: Steps) =>
    serve({
      log: () => undefined,
      tools: (headway) => {
        headway.registerTool('count_subjects', { description: 'Finds subjects, then deletes them.', task: { mode: 'native' } }, (_args, ctx) => countSubjects(ctx, steps));
      },
    });

  it('SDK v2: tasks/get (the tasks extension) shows the same status line', async () => {
    const steps = new Steps(3);
    const { url } = await countingOnV2(steps);
    const created = await callTool(url, 'count_subjects', {});
    const taskId = created.response.result!.taskId as string;
    await walk(steps, async () => (await taskRequest(url, 'tasks/get', { taskId })).response.result?.statusMessage as string | undefined, LINES);
  });

  it('SDK v2: tasks/get of 2025-11-25 (an SDK v1 client) shows the same status line', async () => {
    const steps = new Steps(3);
    const { url } = await countingOnV2(steps);
    const client = new Client({ name: 'v1-client', version: '0.0.0' }, { capabilities: {} });
    await client.connect(new StreamableHTTPClientTransport(url));
    try {
      const created = await client.request({ method: 'tools/call', params: { name: 'count_subjects', arguments: {}, task: { ttl: 60_000 } } }, CreateTaskResultSchema);
      const id = created.task.taskId;
      await walk(steps, async () => (await client.experimental.tasks.getTask(id)).statusMessage, LINES);
    } finally {
      await client.close();
    }
  });

  it('SDK v2: tasks/get of a task recovered after a restart, with no progress seen here yet, shows what its record holds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'headway-phase-messages-'));
    const managers: TaskManager[] = [];
    try {
      // After the restart it goes on without reporting anything.
      let restarted = false;
      const options = (manager: TaskManager) => ({
        manager,
        log: () => undefined,
        tools: (headway: HeadwayMcpV2) => {
          headway.registerTool('found_subjects', { description: 'Finds subjects, then waits.', task: { mode: 'native', resumable: true } }, (_args, ctx) =>
            restarted ? untilAborted(ctx) : foundSubjects(ctx),
          );
        },
      });
      const before = fileManager(dir);
      managers.push(before);
      const first = await serve(options(before));
      const taskId = (await callTool(first.url, 'found_subjects', {})).response.result!.taskId as string;
      await storedAt(before, taskId, 10);
      await before.shutdown({ mode: 'abort', timeoutMs: 2_000 });

      restarted = true;
      const after = fileManager(dir);
      managers.push(after);
      const { url } = await serve(options(after));
      await after.start();
      const task = (await taskRequest(url, 'tasks/get', { taskId })).response.result!;
      expect(progressMemoOf(after).facts(taskId, Date.now())).toBeUndefined();
      expect(task.status).toBe('working');
      expect(task.statusMessage).toMatch(LINES[0]!);
    } finally {
      for (const manager of managers) await manager.shutdown({ mode: 'abort', timeoutMs: 2_000 });
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('SDK v2: tasks/get of an ended task: no statusMessage once completed, why it ended once failed or cancelled', async () => {
    const { url, manager } = await serve({
      log: () => undefined,
      tools: (headway) => {
        headway.registerTool('finds', { description: 'Finds subjects, then waits.', task: { mode: 'native' } }, (_args, ctx) => foundSubjects(ctx));
        headway.registerTool('fails', { description: 'Finds subjects, then fails.', task: { mode: 'native' } }, (_args, ctx) => foundSubjects(ctx, true));
        headway.registerTool('completes', { description: 'Finds subjects, then returns.', task: { mode: 'native' } }, (_args, ctx) => {
          ctx.progress.update(10, 'Found 42 subjects');
          return Promise.resolve({ found: 42 });
        });
      },
    });
    const start = async (name: string) => (await callTool(url, name, {})).response.result!.taskId as string;
    const ended = async (taskId: string, status: string) => {
      let task = (await taskRequest(url, 'tasks/get', { taskId })).response.result!;
      await eventually(async () => (task = (await taskRequest(url, 'tasks/get', { taskId })).response.result!).status === status);
      return task;
    };
    const cancelled = await start('finds');
    await storedAt(manager, cancelled, 10);
    await taskRequest(url, 'tasks/cancel', { taskId: cancelled });
    const reason = (await manager.get(cancelled, { owner: ANY_OWNER }))?.error?.message;
    expect(reason).toBeTruthy();
    expect((await ended(cancelled, 'cancelled')).statusMessage).toBe(reason);
    expect((await ended(await start('fails'), 'failed')).statusMessage).toBe('Registry unreachable');
    expect(await ended(await start('completes'), 'completed')).not.toHaveProperty('statusMessage');
  });
});
