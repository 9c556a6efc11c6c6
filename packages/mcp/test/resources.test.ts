import { afterEach, describe, expect, it } from 'vitest';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { eventually, inMemory } from './support/harness.js';
import type { InMemorySetup } from './support/harness.js';

let setup: InMemorySetup | undefined;
afterEach(async () => {
  await setup?.close();
  setup = undefined;
});

describe('tasks as resources', () => {
  it('reads task://{id} and pushes notifications/resources/updated to a subscriber as the task moves', async () => {
    setup = await inMemory();
    const caps = setup.client.getServerCapabilities();
    expect(caps?.resources?.subscribe).toBe(true);
    const handle = (await setup.client.callTool({ name: 'slow_handle', arguments: { ms: 1_200 } })) as CallToolResult;
    const { taskId, resourceUri } = (handle.structuredContent as { task: { taskId: string; resourceUri: string } }).task;
    await setup.client.subscribeResource({ uri: resourceUri });
    const first = await setup.client.readResource({ uri: resourceUri });
    const body = JSON.parse((first.contents[0] as { text: string }).text) as { taskId: string; status: string };
    expect(body.taskId).toBe(taskId);
    expect(['queued', 'working']).toContain(body.status);
    await eventually(async () => {
      const now = await setup!.client.readResource({ uri: resourceUri });
      return JSON.parse((now.contents[0] as { text: string }).text).status === 'completed';
    });
    await eventually(() => setup!.inbox.updated.filter((u) => u === resourceUri).length >= 2);
    const done = JSON.parse(((await setup.client.readResource({ uri: resourceUri })).contents[0] as { text: string }).text) as { result: CallToolResult };
    expect(done.result.structuredContent).toEqual({ slept: 1_200, label: null });
  });

  it('stops pushing after unsubscribe', async () => {
    setup = await inMemory();
    const handle = (await setup.client.callTool({ name: 'slow_handle', arguments: { ms: 1_500 } })) as CallToolResult;
    const { taskId, resourceUri } = (handle.structuredContent as { task: { taskId: string; resourceUri: string } }).task;
    await setup.client.subscribeResource({ uri: resourceUri });
    await setup.client.unsubscribeResource({ uri: resourceUri });
    await setup.client.callTool({ name: 'task_wait', arguments: { taskId } });
    await new Promise((r) => setTimeout(r, 200));
    expect(setup.inbox.updated).toEqual([]);
    await expect(setup.client.subscribeResource({ uri: 'file:///etc/passwd' })).rejects.toMatchObject({ code: -32602 });
  });

  it('handles and task_status name task://{id} (and follow.resource) only where it is served', async () => {
    setup = await inMemory();
    const served = (await setup.client.callTool({ name: 'slow_handle', arguments: { ms: 50 } })) as CallToolResult;
    const content = served.structuredContent as { task: { taskId: string; resourceUri?: string }; follow: { resource?: string } };
    expect(content.task.resourceUri).toBe(`task://${content.task.taskId}`);
    expect(content.follow.resource).toBe(content.task.resourceUri);
    await setup.close();

    setup = await inMemory({ headway: { resources: false } });
    expect(setup.client.getServerCapabilities()?.resources).toBeUndefined();
    const handle = (await setup.client.callTool({ name: 'slow_handle', arguments: { ms: 50 } })) as CallToolResult;
    const { taskId } = (handle.structuredContent as { task: { taskId: string } }).task;
    const status = (await setup.client.callTool({ name: 'task_status', arguments: { taskId } })) as CallToolResult;
    const listed = (await setup.client.callTool({ name: 'task_list', arguments: {} })) as CallToolResult;
    for (const answer of [handle, status, listed]) expect(JSON.stringify(answer)).not.toContain('task://');
    expect(handle.structuredContent).toMatchObject({ task: { taskId }, follow: { wait: 'task_wait' } });
    expect((handle.structuredContent as { follow: object }).follow).not.toHaveProperty('resource');
    await expect(setup.client.readResource({ uri: `task://${taskId}` })).rejects.toThrow();
  });
});
