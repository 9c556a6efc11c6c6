import { describe, expect, it } from 'vitest';
import { EnhancedTaskManager, TaskType, createContextAwareTask, enhancedTaskManager, taskManager } from '../src/compat.js';
import type { TaskContext } from '../src/index.js';
import { recorder } from './helpers.js';

describe("the seed brief's API", () => {
  it('createContextAwareTask + executeTask run the seed\'s clear-context example with ctx as the second argument', async () => {
    const manager = new EnhancedTaskManager({ progress: { minIntervalMs: 0 } });
    const sink = recorder('mcp-like');
    const task = await manager.createContextAwareTask(TaskType.CLEANUP, {
      metadata: { context: 'dev', dryRun: false },
      context: { owner: 'session-1', reporters: [sink] },
    });
    expect((await manager.get(task.id, { owner: 'session-1' }))!.status).toBe('queued');

    async function executeClearContext(args: { context: string; subjects: string[] }, ctx: TaskContext) {
      ctx.progress.update(0, `Fetching subjects from context ${args.context}`);
      ctx.progress.update(10, `Found ${args.subjects.length} subjects`);
      await ctx.progress.phase('Deleting subjects', { total: args.subjects.length, to: 90 }, async (phase) => {
        for (const [i] of args.subjects.entries()) phase.updateItem(i);
      });
      ctx.progress.update(90, 'Deleting context');
      ctx.progress.update(100, 'Operation completed');
      return { deleted: args.subjects.length, taskId: ctx.taskId };
    }
    const handle = await manager.executeTask(task, executeClearContext, { context: 'dev', subjects: ['a', 'b', 'c', 'd'] });
    expect(await handle.result()).toEqual({ deleted: 4, taskId: task.id });
    await manager.flush();
    expect(sink.events[0]).toMatchObject({ type: 'created', owner: 'session-1', kind: 'cleanup', metadata: { context: 'dev' } });
    expect(sink.events.at(-1)!.type).toBe('completed');
    await manager.shutdown();
  });

  it('taskManager is an alias of the shared enhanced manager, and the free function uses it', async () => {
    expect(taskManager).toBe(enhancedTaskManager);
    const task = await createContextAwareTask(TaskType.EXPORT, { metadata: { format: 'csv' } });
    const handle = await taskManager.executeTask(task, async (n: number) => n + 1, 41);
    expect(await handle.result()).toBe(42);
  });

  it('executeTask refuses a task that is already running, and an unknown one', async () => {
    const manager = new EnhancedTaskManager();
    const running = await manager.create({ kind: 'k', fn: () => new Promise(() => {}) });
    await expect(manager.executeTask(running, () => 1)).rejects.toThrow(/deferred task/);
    await expect(manager.executeTask('AAAAAAAAAAAAAAAAAAAAAA', () => 1)).rejects.toThrow(/not found/);
    await expect(manager.executeTask(running, 'nope' as never)).rejects.toThrow(/fn/);
    await manager.shutdown({ mode: 'abort', timeoutMs: 100 });
  });
});
