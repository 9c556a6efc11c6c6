// How a task looks while it runs: `lastUpdatedAt` (and the extension's poll interval, which backs
// off with the time since it) moves with progress, not only with status changes; the 2025-11-25
// `statusMessage` is the status line, which names the phase. The store keeps no time of progress: these come from what the
// process running the task saw of it.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProgressEvent, Reporter, TaskEvent } from '@headway/core';
import { CreateTaskResultSchema } from '@modelcontextprotocol/sdk/types.js';
import type { Task } from '@modelcontextprotocol/sdk/types.js';
import { extTaskState } from '../src/ext-task-state.js';
import { DEFAULT_POLL_POLICY } from '../src/poll-interval.js';
import { progressMemoOf } from '../src/progress-memo.js';
import { toMcpTask } from '../src/task-view.js';
import { eventually, inMemory, newManager } from './support/harness.js';
import type { InMemorySetup } from './support/harness.js';

let setup: InMemorySetup | undefined;
let manager = newManager();
afterEach(async () => {
  await setup?.close();
  setup = undefined;
  await manager.shutdown({ mode: 'abort', timeoutMs: 1000 });
  manager = newManager();
});

/** Counts the heartbeats a task sends (TEST_MANAGER_OPTIONS: one after 300 ms of silence). */
function heartbeatCounter(): Reporter & { count: number } {
  return {
    name: 'heartbeats',
    count: 0,
    onEvent(event: TaskEvent) {
      if (event.type === 'progress' && (event as ProgressEvent).heartbeat) this.count++;
    },
  };
}

describe('task views while a task runs', () => {
  it('lastUpdatedAt is the latest progress (heartbeats aside), and the extension polls by the time since it', async () => {
    const memo = progressMemoOf(manager);
    const heartbeats = heartbeatCounter();
    const handle = await manager.create({
      kind: 'connect',
      owner: 'alice',
      reporters: [memo, heartbeats],
      fn: async (_input, ctx) => {
        await sleep(150, undefined, { signal: ctx.signal });
        // A message without a new value: no ETA, so the poll interval goes by the time since it.
        ctx.progress.update(0, 'Connecting to the registry');
        await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
      },
    });
    await eventually(() => memo.facts(handle.id, Date.now())?.message === 'Connecting to the registry');
    const movedAt = memo.facts(handle.id, Date.now())!.movedAt!;
    const record = (await manager.get(handle.id, { owner: 'alice' }))!;
    expect(movedAt - record.startedAt!).toBeGreaterThanOrEqual(140);

    const now = movedAt + 4_000;
    const state = extTaskState(record, now, DEFAULT_POLL_POLICY, memo.facts(handle.id, now));
    expect(state.lastUpdatedAt).toBe(movedAt);
    // baseMs + a quarter of the 4 s since the task last moved.
    expect(state.pollIntervalMs).toBe(DEFAULT_POLL_POLICY.baseMs + 1_000);
    const task = toMcpTask(record, 1_000, memo.facts(handle.id, now));
    expect(task.lastUpdatedAt).toBe(new Date(movedAt).toISOString());
    expect(task.statusMessage).toBe('Connecting to the registry: 0 %');

    // Heartbeats say the task is alive, not that it moved.
    await eventually(() => heartbeats.count >= 2);
    expect(memo.facts(handle.id, Date.now())!.movedAt).toBe(movedAt);
  });

  it('SDK v1: tasks/get names the phase and its counts in statusMessage and moves lastUpdatedAt with progress', async () => {
    setup = await inMemory();
    setup.headway.registerTool('phased', { description: 'Starts deleting, then waits.', task: { mode: 'native' } }, async (_args, ctx) => {
      await sleep(150, undefined, { signal: ctx.signal });
      await ctx.progress.phase('Deleting subjects', { total: 4, to: 100 }, async (phase) => {
        phase.updateItem(0);
        await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
      });
    });
    const { client } = setup;
    const created = await client.request({ method: 'tools/call', params: { name: 'phased', arguments: {}, task: { ttl: 60_000 } } }, CreateTaskResultSchema);
    const id = created.task.taskId;
    let task: Task | undefined;
    await eventually(async () => (task = await client.experimental.tasks.getTask(id)).statusMessage?.startsWith('Deleting subjects: 1/4 (25 %)') === true);
    expect(Date.parse(task!.lastUpdatedAt) - Date.parse(task!.createdAt)).toBeGreaterThanOrEqual(140);
    // Two heartbeats later (one per 300 ms of silence here), nothing moved.
    await sleep(700);
    expect((await client.experimental.tasks.getTask(id)).lastUpdatedAt).toBe(task!.lastUpdatedAt);
  });
});
