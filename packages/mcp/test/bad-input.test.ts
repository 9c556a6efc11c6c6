import { afterEach, describe, expect, it, vi } from 'vitest';
import { ANY_OWNER, InvalidArgumentError, TaskManager } from '@headway/core';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { CallToolResultSchema, CreateTaskResultSchema, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { attachHeadway, structuredOutput } from '../src/index.js';
import { inMemory } from './support/harness.js';
import type { InMemorySetup } from './support/harness.js';

let setup: InMemorySetup | undefined;
afterEach(async () => {
  await setup?.close();
  setup = undefined;
});

const text = (r: CallToolResult) => (r.content[0] as { text: string }).text;

describe('bad input', () => {
  it('answers unknown and malformed ids with not found in every companion tool and native method', async () => {
    setup = await inMemory();
    for (const taskId of ['AAAAAAAAAAAAAAAAAAAAAA', 'not an id', '../../etc/passwd']) {
      for (const tool of ['task_status', 'task_wait', 'task_result', 'task_cancel']) {
        const r = (await setup.client.callTool({ name: tool, arguments: { taskId, ...(tool === 'task_wait' && { timeoutSeconds: 1 }) } })) as CallToolResult;
        expect(r.isError).toBe(true);
        expect(text(r)).toBe(`Task not found: ${JSON.stringify(taskId)}`);
      }
      await expect(setup.client.experimental.tasks.getTask(taskId)).rejects.toMatchObject({ code: -32602 });
      await expect(setup.client.experimental.tasks.getTaskResult(taskId)).rejects.toMatchObject({ code: -32602 });
      await expect(setup.client.experimental.tasks.cancelTask(taskId)).rejects.toMatchObject({ code: -32602 });
      await expect(setup.client.readResource({ uri: `task://${encodeURIComponent(taskId)}` })).rejects.toMatchObject({ code: -32602 });
    }
  });

  it('rejects wrong argument types with a clear error naming the field', async () => {
    setup = await inMemory();
    const r = (await setup.client.callTool({ name: 'slow_inline', arguments: { ms: 'soon' } })) as CallToolResult;
    expect(r.isError).toBe(true);
    expect(text(r)).toBe('Invalid arguments for tool slow_inline: ms: Expected number, received string');
    const wait = (await setup.client.callTool({ name: 'task_wait', arguments: { taskId: 42 } })) as CallToolResult;
    expect(wait.isError).toBe(true);
    expect(text(wait)).toBe('Invalid arguments for tool task_wait: taskId: Expected string, received number');
    const native = await setup.client
      .request({ method: 'tools/call', params: { name: 'slow_native', arguments: { ms: -5 }, task: {} } }, CreateTaskResultSchema)
      .catch((e: unknown) => e);
    expect(native).toBeInstanceOf(McpError);
    expect((native as McpError).code).toBe(-32602);
    expect(setup.probe.started.size).toBe(0);
  });

  it('ends a task whose handler throws as failed, with an isError answer', async () => {
    setup = await inMemory();
    const r = (await setup.client.callTool({ name: 'throws', arguments: {} })) as CallToolResult;
    expect(r.isError).toBe(true);
    expect(text(r)).toContain('boom: the handler threw');
    const { tasks } = await setup.manager.list({ owner: ANY_OWNER, kind: 'throws' });
    expect(tasks.map((t) => t.status)).toEqual(['failed']);
    // The same through a handle and task_result.
    const handle = (await setup.client.callTool({ name: 'throws_handle', arguments: {} })) as CallToolResult;
    const id = (handle.structuredContent as { task: { taskId: string } }).task.taskId;
    const waited = (await setup.client.callTool({ name: 'task_wait', arguments: { taskId: id } })) as CallToolResult;
    expect(waited.isError).toBe(true);
    expect(text(waited)).toContain('boom');
    expect((await setup.client.experimental.tasks.getTask(id)).status).toBe('failed');
  });

  it('ends a task that returns an isError result as failed and keeps that result', async () => {
    setup = await inMemory();
    const r = (await setup.client.callTool({ name: 'is_error', arguments: {} })) as CallToolResult;
    expect(r).toMatchObject({ isError: true, content: [{ type: 'text', text: 'the registry refused' }] });
    const { tasks } = await setup.manager.list({ owner: ANY_OWNER, kind: 'is_error' });
    expect(tasks[0]?.status).toBe('failed');
    const viaNative = (await setup.client.experimental.tasks.getTaskResult(tasks[0]!.id, CallToolResultSchema)) as CallToolResult;
    expect(viaNative).toMatchObject({ isError: true, content: [{ type: 'text', text: 'the registry refused' }] });
  });

  it('structuredOutput: objects become structured content; with fallbackOnError a throw becomes an isError result', async () => {
    setup = await inMemory();
    const ok = (await setup.client.callTool({ name: 'structured', arguments: { n: 4 } })) as CallToolResult;
    expect(ok.structuredContent).toEqual({ doubled: 8 });
    const bad = (await setup.client.callTool({ name: 'structured', arguments: { n: -1 } })) as CallToolResult;
    expect(bad.isError).toBe(true);
    expect(bad.structuredContent).toEqual({ error: 'negative', tool: 'structured' });
    const { tasks } = await setup.manager.list({ owner: ANY_OWNER, kind: 'structured' });
    expect(tasks.map((t) => t.status)).toEqual(['completed', 'failed']);
  });

  it('defines each tool kind for recovery once, keeps the application\'s own definition, and does not hide other errors', () => {
    const manager = new TaskManager();
    const fresh = () => new McpServer({ name: 't', version: '0' });
    manager.define('mine', () => 'app');
    const headway = attachHeadway(fresh(), { manager });
    expect(() => headway.registerTool('a', { task: { kind: 'mine' } }, () => 1)).not.toThrow();
    expect(() => attachHeadway(fresh(), { manager }).registerTool('a', {}, () => 1)).not.toThrow();
    const broken = vi.spyOn(manager, 'define').mockImplementation(() => {
      throw new Error('the scheduler is gone');
    });
    expect(() => headway.registerTool('b', {}, () => 1)).toThrow('the scheduler is gone');
    broken.mockRestore();
    void manager.shutdown();
  });

  it('validates every public entry point, naming the bad value', () => {
    const manager = new TaskManager();
    const fresh = () => new McpServer({ name: 't', version: '0' });
    expect(() => attachHeadway(fresh(), { manager: {} as TaskManager })).toThrow(InvalidArgumentError);
    expect(() => attachHeadway(fresh(), { manager, toolPrefix: 'has space' })).toThrow(/toolPrefix: "has space"/);
    expect(() => attachHeadway(fresh(), { manager, inlineBudgetMs: -1 })).toThrow(/inlineBudgetMs: -1/);
    expect(() => attachHeadway(fresh(), { manager, progressAfterMs: -1 })).toThrow(/progressAfterMs: -1/);
    expect(() => attachHeadway(fresh(), { manager, progressAfterMs: 0 })).not.toThrow();
    expect(() => attachHeadway(fresh(), { manager, logLevel: 'loud' as never })).toThrow(/logLevel: "loud"/);
    expect(() => attachHeadway({} as McpServer, { manager })).toThrow(/Invalid server/);
    const headway = attachHeadway(fresh(), { manager, toolPrefix: 'hw_' });
    expect(headway.toolNames.wait).toBe('hw_task_wait');
    expect(() => headway.registerTool('x y', {}, () => 1)).toThrow(/tool name: "x y"/);
    expect(() => headway.registerTool('ok', { task: { mode: 'later' as never } }, () => 1)).toThrow(/task.mode: "later"/);
    expect(() => headway.registerTool('ok2', {}, 'nope' as never)).toThrow(/handler/);
    expect(() => structuredOutput('')).toThrow(InvalidArgumentError);
    void manager.shutdown();
  });
});
