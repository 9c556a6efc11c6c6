import { ANY_OWNER } from '@headway/core';
import { afterEach, describe, expect, it } from 'vitest';
import { CallToolResultSchema, CreateTaskResultSchema, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { eventually, inMemory } from './support/harness.js';
import type { InMemorySetup } from './support/harness.js';

let setup: InMemorySetup | undefined;
afterEach(async () => {
  await setup?.close();
  setup = undefined;
});

interface HandleContent {
  task: { taskId: string; status: string; progress: number; resourceUri: string };
  promoted?: boolean;
  follow: { wait: string; status: string; result: string; cancel: string };
}

function handleOf(result: CallToolResult): HandleContent {
  expect(result.isError).toBeFalsy();
  const content = result.structuredContent as unknown as HandleContent;
  expect(content.task.taskId).toMatch(/^[A-Za-z0-9_-]{22}$/);
  return content;
}

describe('auto mode', () => {
  it('answers a short task inline', async () => {
    setup = await inMemory({ budgetMs: 2_000 });
    const result = (await setup.client.callTool({ name: 'slow_auto', arguments: { ms: 50 } })) as CallToolResult;
    expect(result.structuredContent).toEqual({ slept: 50, label: null });
  });

  it('promotes a long task to a handle at the budget; it completes later via task_wait', async () => {
    setup = await inMemory({ budgetMs: 300 });
    const started = Date.now();
    const first = (await setup.client.callTool({ name: 'slow_auto', arguments: { ms: 2_000 } })) as CallToolResult;
    expect(Date.now() - started).toBeLessThan(1_900);
    const handle = handleOf(first);
    expect(handle.promoted).toBe(true);
    expect(handle.task.status).toBe('working');
    expect(handle.follow.wait).toBe('task_wait');
    const text = (first.content[0] as { text: string }).text;
    expect(text).toContain('task_wait');
    expect(text).toContain(`${handle.task.taskId} (slow-auto) is taking longer than 300 ms, so it continues in the background.`);
    // The task keeps running after the answer.
    let waited: CallToolResult;
    do {
      waited = (await setup.client.callTool({ name: 'task_wait', arguments: { taskId: handle.task.taskId, timeoutSeconds: 5 } })) as CallToolResult;
    } while ((waited.structuredContent as { task?: unknown } | undefined)?.task);
    expect(waited.isError).toBeFalsy();
    expect(waited.structuredContent).toEqual({ slept: 2_000, label: null });
  });

  it('promotes a long task and the same task completes via native tasks/result', async () => {
    setup = await inMemory({ budgetMs: 300 });
    const handle = handleOf((await setup.client.callTool({ name: 'slow_auto', arguments: { ms: 1_500 } })) as CallToolResult);
    const task = await setup.client.experimental.tasks.getTask(handle.task.taskId);
    expect(task.status).toBe('working');
    const result = (await setup.client.experimental.tasks.getTaskResult(handle.task.taskId, CallToolResultSchema)) as CallToolResult;
    expect(result.structuredContent).toEqual({ slept: 1_500, label: null });
    expect((await setup.client.experimental.tasks.getTask(handle.task.taskId)).status).toBe('completed');
  });

  it('runs natively when the client asks for a task: tasks/get, notifications/tasks/status, tasks/result, and the companion tools see it', async () => {
    setup = await inMemory({ budgetMs: 60_000 });
    const created = await setup.client.request(
      { method: 'tools/call', params: { name: 'slow_auto', arguments: { ms: 600 }, task: { ttl: 60_000 } } },
      CreateTaskResultSchema,
    );
    const id = created.task.taskId;
    expect(created.task.status).toBe('working');
    expect(created.task.ttl).toBe(60_000);
    const status = (await setup.client.callTool({ name: 'task_status', arguments: { taskId: id } })) as CallToolResult;
    expect((status.structuredContent as { task: { taskId: string } }).task.taskId).toBe(id);
    const result = (await setup.client.experimental.tasks.getTaskResult(id, CallToolResultSchema)) as CallToolResult;
    expect(result.structuredContent).toEqual({ slept: 600, label: null });
    await eventually(() => setup!.inbox.statuses.some((t) => t.taskId === id && t.status === 'completed'));
    const viaTool = (await setup.client.callTool({ name: 'task_result', arguments: { taskId: id } })) as CallToolResult;
    expect(viaTool.structuredContent).toEqual({ slept: 600, label: null });
  });

  it('streams a native tool through the SDK client callToolStream', async () => {
    setup = await inMemory();
    const kinds: string[] = [];
    let final: CallToolResult | undefined;
    for await (const message of setup.client.experimental.tasks.callToolStream({ name: 'slow_native', arguments: { ms: 300 } }, CallToolResultSchema, { task: {} })) {
      kinds.push(message.type);
      if (message.type === 'result') final = message.result as CallToolResult;
      if (message.type === 'error') throw message.error;
    }
    expect(kinds[0]).toBe('taskCreated');
    expect(final?.structuredContent).toEqual({ slept: 300, label: null });
  });

  it('advertises execution.taskSupport per mode and only advertises output schemas that every answer meets', async () => {
    setup = await inMemory();
    const { tools } = await setup.client.listTools();
    const byName = new Map(tools.map((t) => [t.name, t]));
    expect(byName.get('slow_auto')?.execution?.taskSupport).toBe('optional');
    expect(byName.get('slow_native')?.execution?.taskSupport).toBe('required');
    expect(byName.get('slow_inline')?.execution?.taskSupport).toBe('forbidden');
    expect(byName.get('slow_handle')?.execution?.taskSupport).toBe('forbidden');
    expect(byName.get('structured')?.outputSchema).toBeDefined();
    for (const name of ['task_status', 'task_wait', 'task_result', 'task_cancel', 'task_list']) {
      expect(byName.get(name)?.description?.length).toBeGreaterThan(40);
    }
  });

  it('handle mode returns at once with text and structured content', async () => {
    setup = await inMemory();
    const started = Date.now();
    const result = (await setup.client.callTool({ name: 'slow_handle', arguments: { ms: 3_000 } })) as CallToolResult;
    expect(Date.now() - started).toBeLessThan(2_500);
    const handle = handleOf(result);
    expect(handle.promoted).toBeUndefined();
    expect(handle.task.resourceUri).toBe(`task://${handle.task.taskId}`);
    const waited = (await setup.client.callTool({ name: 'task_wait', arguments: { taskId: handle.task.taskId, timeoutSeconds: 1 } })) as CallToolResult;
    expect((waited.structuredContent as { task: { status: string } }).task.status).toBe('working');
    expect((waited.content[0] as { text: string }).text).toContain('still running');
  });

  it('lets native tools refuse plain calls and inline tools refuse task augmentation', async () => {
    setup = await inMemory();
    const plain = (await setup.client.request(
      { method: 'tools/call', params: { name: 'slow_native', arguments: { ms: 1 } } },
      CallToolResultSchema,
    )) as CallToolResult;
    expect(plain.isError).toBe(true);
    expect(JSON.stringify(plain.content)).toContain('must be called as a task');
    const error = await setup.client
      .request({ method: 'tools/call', params: { name: 'slow_inline', arguments: { ms: 1 }, task: {} } }, CreateTaskResultSchema)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpError);
    expect((error as McpError).code).toBe(-32601);
  });

  it('a connection without HTTP (stdio, in-memory) is the one local owner: its tasks are listed', async () => {
    setup = await inMemory();
    await setup.client.callTool({ name: 'slow_handle', arguments: { ms: 10 } });
    const ok = (await setup.client.callTool({ name: 'task_list', arguments: {} })) as CallToolResult;
    expect((ok.structuredContent as { tasks: { taskId: string }[] }).tasks).toHaveLength(1);
    expect((await setup.client.experimental.tasks.listTasks()).tasks).toHaveLength(1);
    const id = (ok.structuredContent as { tasks: { taskId: string }[] }).tasks[0]!.taskId;
    expect((await setup.manager.get(id, { owner: ANY_OWNER }))?.owner).toBe('local');
  });
});
