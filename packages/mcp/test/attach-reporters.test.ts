// The `reporters` option of attachHeadway: sinks that see every task the calls of that server
// start, whether the call runs inline or in the background: each event once (exactly what a sink
// given to the manager sees of the task), and they stay open when a task ends. Servers that
// share one manager (one McpServer per session) each get their own calls' tasks.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ANY_OWNER, TaskManager, isTerminalEvent } from '@headway/core';
import type { Reporter, TaskEvent } from '@headway/core';
import { FileTaskStore } from '@headway/file-store';
import { CreateTaskResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { eventually, inMemory, newManager } from './support/harness.js';
import type { InMemorySetup } from './support/harness.js';
import type { HeadwayMcpV2 } from '../src/v2.js';
import { v2InProcessPerTest } from './support/v2-in-process.js';
import { callTool, taskRequest } from './support/wire.js';

/** A sink that keeps what it got, and counts how often it was closed. */
class Recorder implements Reporter {
  readonly events: TaskEvent[] = [];
  closed = 0;

  constructor(readonly name: string) {}

  onEvent(event: TaskEvent): void {
    this.events.push(event);
  }

  close(): void {
    this.closed++;
  }

  /** The events of one task, in order. */
  of(taskId: string): TaskEvent[] {
    return this.events.filter((e) => e.taskId === taskId);
  }

  /** The ids of the tasks of `kind` it saw created. */
  created(kind: string): string[] {
    return this.events.filter((e) => e.type === 'created' && e.kind === kind).map((e) => e.taskId);
  }

  ended(taskId: string): boolean {
    return this.of(taskId).some(isTerminalEvent);
  }
}

/** The one task of `kind` that `all` (a sink of the manager) saw created, once it ended. */
async function endedTask(all: Recorder, manager: TaskManager, kind: string): Promise<string> {
  await eventually(() => all.created(kind).length === 1);
  const id = all.created(kind)[0]!;
  await manager.wait(id, { owner: ANY_OWNER });
  await manager.flush();
  return id;
}

/** `sink` saw each event of the task once: exactly what the manager's own sink saw, from created through progress to its end. */
function expectEveryEventOnce(sink: Recorder, all: Recorder, taskId: string): void {
  const types = sink.of(taskId).map((e) => e.type);
  expect(types[0]).toBe('created');
  expect(types).toContain('progress');
  expect(types.at(-1)).toBe('completed');
  expect(sink.of(taskId)).toEqual(all.of(taskId));
}

describe('the reporters option, SDK v1', () => {
  const setups: InMemorySetup[] = [];
  let manager: TaskManager | undefined;
  afterEach(async () => {
    for (const setup of setups.splice(0)) await setup.close();
    await manager?.shutdown({ mode: 'abort', timeoutMs: 1_000 });
    manager = undefined;
  });

  it("sees each event of its own server's calls once, inline and in the background, and stays open", async () => {
    const all = new Recorder('all');
    manager = newManager({ reporters: [all] });
    const first = new Recorder('first');
    const second = new Recorder('second');
    // Two servers on one manager, as with one McpServer per session: the first defines the tools' kinds.
    const a = await inMemory({ manager, headway: { reporters: [first] } });
    setups.push(a);
    const b = await inMemory({ manager, headway: { reporters: [second] } });
    setups.push(b);

    await b.client.callTool({ name: 'slow_inline', arguments: { ms: 200 } });
    await b.client.callTool({ name: 'slow_handle', arguments: { ms: 200 } });
    await b.client.request({ method: 'tools/call', params: { name: 'slow_native', arguments: { ms: 200 }, task: { ttl: 60_000 } } }, CreateTaskResultSchema);
    for (const kind of ['slow-inline', 'slow-handle', 'slow-native']) {
      const id = await endedTask(all, manager, kind);
      expectEveryEventOnce(second, all, id);
      expect(first.of(id)).toEqual([]);
    }

    await a.client.callTool({ name: 'slow_auto', arguments: { ms: 200 } });
    const id = await endedTask(all, manager, 'slow-auto');
    expectEveryEventOnce(first, all, id);
    expect(second.of(id)).toEqual([]);
    expect([first.closed, second.closed]).toEqual([0, 0]);
  });

  it("leaves a sink that is also the manager's every task: another server's calls' tasks reach it through the manager", async () => {
    const audit = new Recorder('audit');
    const all = new Recorder('all');
    manager = newManager({ reporters: [audit, all] });
    // The first server defines the tools' kinds with `audit` among their sinks; the second has none.
    const a = await inMemory({ manager, headway: { reporters: [audit] } });
    setups.push(a);
    const b = await inMemory({ manager });
    setups.push(b);
    await b.client.callTool({ name: 'slow_inline', arguments: { ms: 200 } });
    expectEveryEventOnce(audit, all, await endedTask(all, manager, 'slow-inline'));
    await a.client.callTool({ name: 'slow_auto', arguments: { ms: 200 } });
    expectEveryEventOnce(audit, all, await endedTask(all, manager, 'slow-auto'));
  });

  it('sees a task recovered after a restart, which no call started here, once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'headway-attach-reporters-'));
    try {
      // Waits for a shutdown the first time; after the restart it resumes and finishes.
      let restarted = false;
      const register = (setup: InMemorySetup) =>
        setup.headway.registerTool('resumable_steps', { description: 'Goes on after a restart.', task: { mode: 'handle', resumable: true } }, async (_args, ctx) => {
          ctx.progress.update(30, 'a third');
          if (!restarted) await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
          ctx.signal.throwIfAborted();
          ctx.progress.update(60, 'two thirds');
          return { done: true };
        });
      const before = newManager({ store: new FileTaskStore(dir) });
      const a = await inMemory({ manager: before, headway: { reporters: [new Recorder('before')] } });
      setups.push(a);
      register(a);
      await a.client.callTool({ name: 'resumable_steps', arguments: {} });
      const [task] = (await before.list({ owner: ANY_OWNER })).tasks;
      await eventually(async () => ((await before.get(task!.id, { owner: ANY_OWNER }))?.progress ?? 0) >= 30);
      await before.shutdown({ mode: 'abort', timeoutMs: 2_000 });

      restarted = true;
      const all = new Recorder('all');
      const after = new Recorder('after');
      manager = newManager({ store: new FileTaskStore(dir), reporters: [all] });
      const b = await inMemory({ manager, headway: { reporters: [after] } });
      setups.push(b);
      register(b);
      await manager.start();
      await manager.wait(task!.id, { owner: ANY_OWNER });
      await manager.flush();
      expect(after.of(task!.id).map((e) => e.type)).toEqual(expect.arrayContaining(['started', 'progress', 'completed']));
      expect(after.of(task!.id)).toEqual(all.of(task!.id));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the reporters option, SDK v2', () => {
  const serve = v2InProcessPerTest();

  it('sees each event of an inline call and of a task once, and stays open', async () => {
    const all = new Recorder('all');
    const mine = new Recorder('mine');
    const manager = new TaskManager({ reporters: [all], progress: { minIntervalMs: 20 }, resources: { enabled: false } });
    const { url } = await serve({
      manager,
      reporters: [mine],
      log: () => undefined,
      tools: (headway) => {
        for (const mode of ['inline', 'native'] as const) {
          headway.registerTool(`steps_${mode}`, { description: 'Counts to four.', task: { mode, kind: `steps-${mode}` } }, async (_args, ctx) => {
            for (let i = 1; i <= 4; i++) {
              await new Promise((resolve) => setTimeout(resolve, 30));
              ctx.progress.update(i * 25, `step ${i}`);
            }
            return { steps: 4 };
          });
        }
      },
    });
    expect((await callTool(url, 'steps_inline', {})).response.result).toMatchObject({ structuredContent: { steps: 4 } });
    const created = await callTool(url, 'steps_native', {});
    const taskId = created.response.result!.taskId as string;
    await eventually(async () => (await taskRequest(url, 'tasks/get', { taskId })).response.result?.status === 'completed');
    for (const kind of ['steps-inline', 'steps-native']) expectEveryEventOnce(mine, all, await endedTask(all, manager, kind));
    expect(mine.closed).toBe(0);
  });

  it("sees its own handler's tasks only, when two handlers share one manager", async () => {
    const all = new Recorder('all');
    const manager = new TaskManager({ reporters: [all], progress: { minIntervalMs: 20 }, resources: { enabled: false } });
    const tools = (headway: HeadwayMcpV2) =>
      headway.registerTool('steps', { description: 'Counts to two.', task: { mode: 'inline', kind: 'steps' } }, async (_args, ctx) => {
        ctx.progress.update(50, 'half');
        return { steps: 2 };
      });
    const first = new Recorder('first');
    const second = new Recorder('second');
    // The first handler to register the tool defines its kind, with its own sink for recovered tasks.
    const a = await serve({ manager, reporters: [first], log: () => undefined, tools });
    const b = await serve({ manager, reporters: [second], log: () => undefined, tools });
    await callTool(a.url, 'steps', {});
    const id = await endedTask(all, manager, 'steps');
    await callTool(b.url, 'steps', {});
    await eventually(() => all.created('steps').length === 2);
    const other = all.created('steps').find((taskId) => taskId !== id)!;
    await manager.wait(other, { owner: ANY_OWNER });
    await manager.flush();
    expectEveryEventOnce(first, all, id);
    expectEveryEventOnce(second, all, other);
    expect([second.of(id), first.of(other)]).toEqual([[], []]);
  });
});

describe('a sink that falls behind', () => {
  let manager: TaskManager | undefined;
  const setups: InMemorySetup[] = [];
  afterEach(async () => {
    for (const setup of setups.splice(0)) await setup.close();
    await manager?.shutdown({ mode: 'abort', timeoutMs: 1_000 });
    manager = undefined;
  });

  it("gets a call's task once while a recovered task of its kind keeps it busy (its queue folds a created into the end)", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'headway-attach-reporters-'));
    try {
      let restarted = false;
      // Before the restart it waits; resumed after it, it logs a line every 5 ms for 600 ms.
      const register = (setup: InMemorySetup) =>
        setup.headway.registerTool('chatty', { description: 'Logs lines.', inputSchema: { lines: z.number() }, task: { mode: 'handle', resumable: true } }, async ({ lines }, ctx) => {
          if (!restarted) await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
          ctx.signal.throwIfAborted();
          for (let i = 0; i < lines; i++) {
            ctx.info(`line ${i}`);
            await new Promise((resolve) => setTimeout(resolve, 5));
          }
          return { lines };
        });
      const before = newManager({ store: new FileTaskStore(dir) });
      const a = await inMemory({ manager: before });
      setups.push(a);
      register(a);
      await a.client.callTool({ name: 'chatty', arguments: { lines: 120 } });
      const [recovered] = (await before.list({ owner: ANY_OWNER })).tasks;
      await eventually(async () => (await before.get(recovered!.id, { owner: ANY_OWNER }))?.status === 'working');
      await before.shutdown({ mode: 'abort', timeoutMs: 2_000 });

      restarted = true;
      const all = new Recorder('all');
      const slow = new (class extends Recorder {
        override async onEvent(event: TaskEvent): Promise<void> {
          super.onEvent(event);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      })('slow');
      // Past two waiting events a sink's queue is under pressure: a task's `created` is folded into its end.
      manager = newManager({ store: new FileTaskStore(dir), reporters: [all], hub: { maxQueue: 2 } });
      const b = await inMemory({ manager, headway: { reporters: [slow] } });
      setups.push(b);
      register(b);
      await manager.start();
      await eventually(() => slow.of(recovered!.id).some((e) => e.type === 'log'));
      await b.client.callTool({ name: 'chatty', arguments: { lines: 0 } });
      const quick = await endedTask(all, manager, 'chatty');
      await manager.wait(recovered!.id, { owner: ANY_OWNER });
      await manager.flush();
      expect(slow.of(quick)).toEqual(all.of(quick));
      expect(slow.ended(recovered!.id)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
