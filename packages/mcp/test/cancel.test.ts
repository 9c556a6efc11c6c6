import { afterEach, describe, expect, it } from 'vitest';
import { ANY_OWNER } from '@headway/core';
import { CreateTaskResultSchema } from '@modelcontextprotocol/sdk/types.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { eventually, inMemory } from './support/harness.js';
import type { InMemorySetup } from './support/harness.js';

let setup: InMemorySetup | undefined;
afterEach(async () => {
  await setup?.close();
  setup = undefined;
});

async function onlyStarted(s: InMemorySetup): Promise<string> {
  await eventually(() => s.probe.started.size === 1);
  return [...s.probe.started][0]!;
}

describe('cancellation', () => {
  it('notifications/cancelled aborts an inline task and leaves it cancelled', async () => {
    setup = await inMemory();
    const controller = new AbortController();
    const call = setup.client.callTool({ name: 'until_cancelled', arguments: {} }, undefined, { signal: controller.signal }).catch((e: unknown) => e);
    const id = await onlyStarted(setup);
    controller.abort('user pressed stop');
    await call;
    await eventually(() => setup!.probe.aborted.has(id));
    const record = await setup.manager.get(id, { owner: ANY_OWNER });
    expect(record?.status).toBe('cancelled');
    expect(record?.error?.message).toContain('notifications/cancelled');
  });

  it('task_cancel aborts a handle-mode task and leaves it cancelled', async () => {
    setup = await inMemory();
    const handle = (await setup.client.callTool({ name: 'until_cancelled_handle', arguments: {} })) as CallToolResult;
    const id = (handle.structuredContent as { task: { taskId: string } }).task.taskId;
    await onlyStarted(setup);
    const cancelled = (await setup.client.callTool({ name: 'task_cancel', arguments: { taskId: id, reason: 'not needed' } })) as CallToolResult;
    expect((cancelled.structuredContent as { task: { status: string } }).task.status).toBe('cancelled');
    await eventually(() => setup!.probe.aborted.has(id));
    const again = (await setup.client.callTool({ name: 'task_cancel', arguments: { taskId: id } })) as CallToolResult;
    expect((again.content[0] as { text: string }).text).toContain('already finished');
    const result = (await setup.client.callTool({ name: 'task_result', arguments: { taskId: id } })) as CallToolResult;
    expect(result.isError).toBe(true);
    expect((result.content[0] as { text: string }).text).toContain('cancelled');
  });

  it('tasks/cancel aborts a native task, answers with it cancelled, and refuses a second cancel', async () => {
    setup = await inMemory();
    const created = await setup.client.request(
      { method: 'tools/call', params: { name: 'until_cancelled_native', arguments: {}, task: {} } },
      CreateTaskResultSchema,
    );
    const id = created.task.taskId;
    await onlyStarted(setup);
    const answer = await setup.client.experimental.tasks.cancelTask(id);
    expect(answer.status).toBe('cancelled');
    expect((await setup.manager.get(id, { owner: ANY_OWNER }))?.status).toBe('cancelled');
    await eventually(() => setup!.probe.aborted.has(id));
    await expect(setup.client.experimental.tasks.cancelTask(id)).rejects.toMatchObject({ code: -32602 });
    await eventually(() => setup!.inbox.statuses.some((t) => t.taskId === id && t.status === 'cancelled'));
  });
});
