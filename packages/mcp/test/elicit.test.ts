import { afterEach, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { CallToolResultSchema, CreateTaskResultSchema, ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { buildServer, newManager } from './support/harness.js';
import { newProbe } from './support/tools.js';

// ctx.elicit on SDK v1 (2025-11-25): inline as elicitation/create on the open call; handle and
// native tasks through task_status and tasks/get (the question) and task_respond (the answer).
const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close().catch(() => undefined);
});

async function connect(answer?: (message: string) => { action: 'accept' | 'decline'; content?: Record<string, unknown> }) {
  const manager = newManager();
  const { server } = buildServer(manager, newProbe());
  const client = new Client({ name: 'elicit-test', version: '0.0.0' }, { capabilities: answer ? { elicitation: { form: {} } } : {} });
  const asked: string[] = [];
  const related: unknown[] = [];
  if (answer) {
    client.setRequestHandler(ElicitRequestSchema, async (request) => {
      asked.push(request.params.message);
      related.push(request.params._meta?.['io.modelcontextprotocol/related-task']);
      return answer(request.params.message);
    });
  }
  const [a, b] = InMemoryTransport.createLinkedPair();
  await server.connect(b);
  await client.connect(a);
  closers.push(() => client.close(), () => server.close(), () => manager.shutdown({ mode: 'abort', timeoutMs: 1000 }));
  return { client, asked, related, manager };
}

const structured = (r: unknown) => (r as CallToolResult).structuredContent as Record<string, unknown>;

describe('ctx.elicit on SDK v1', () => {
  it('inline: an elicitation/create request on the open call, its answer back in the task', async () => {
    const { client, asked } = await connect(() => ({ action: 'accept', content: { confirm: true } }));
    expect(structured(await client.callTool({ name: 'ask_inline', arguments: {} }))).toEqual({ action: 'accept', confirm: true });
    expect(structured(await client.callTool({ name: 'ask_auto', arguments: {} }))).toEqual({ action: 'accept', confirm: true });
    expect(asked).toEqual(['Also delete the context?', 'Also delete the context?']);
  });

  it('inline, from a client that cannot elicit: the task fails with a clear error instead of hanging', async () => {
    const { client } = await connect();
    const result = (await client.callTool({ name: 'ask_inline', arguments: {} })) as CallToolResult;
    expect(result.isError).toBe(true);
    expect((result.content[0] as { text: string }).text).toMatch(/cannot answer questions: it did not declare the elicitation capability/);
  });

  it('handle and native: task_status shows the question, task_respond answers it', async () => {
    const { client } = await connect();
    const handle = await client.callTool({ name: 'ask_handle', arguments: {} });
    const created = await client.request({ method: 'tools/call', params: { name: 'ask_native', arguments: {}, task: {} } }, CreateTaskResultSchema);
    for (const taskId of [(structured(handle).task as { taskId: string }).taskId, created.task.taskId]) {
      let status = structured(await client.callTool({ name: 'task_status', arguments: { taskId } }));
      for (let i = 0; i < 100 && !status.question; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        status = structured(await client.callTool({ name: 'task_status', arguments: { taskId } }));
      }
      expect((status.task as { status: string }).status).toBe('input_required');
      // tasks/get says the question, as on the tasks extension.
      expect(await client.experimental.tasks.getTask(taskId)).toMatchObject({ status: 'input_required', statusMessage: 'Also delete the context?' });
      const { requestId } = status.question as { requestId: string };
      const wrong = (await client.callTool({ name: 'task_respond', arguments: { taskId, requestId: 'nope', action: 'accept', content: { confirm: true } } })) as CallToolResult;
      expect(wrong.isError).toBe(true);
      await client.callTool({ name: 'task_respond', arguments: { taskId, requestId, action: 'decline' } });
      expect(structured(await client.callTool({ name: 'task_wait', arguments: { taskId } }))).toEqual({ action: 'decline', confirm: null });
    }
    expect((await client.experimental.tasks.getTaskResult(created.task.taskId, CallToolResultSchema)).structuredContent).toEqual({ action: 'decline', confirm: null });
  });

  it('native (2025-11-25): tasks/result asks the client with elicitation/create naming the task, and returns the result', async () => {
    const { client, asked, related } = await connect(() => ({ action: 'accept', content: { confirm: true } }));
    const created = await client.request({ method: 'tools/call', params: { name: 'ask_native', arguments: {}, task: {} } }, CreateTaskResultSchema);
    const result = await client.experimental.tasks.getTaskResult(created.task.taskId, CallToolResultSchema);
    expect(result.structuredContent).toEqual({ action: 'accept', confirm: true });
    expect(asked).toEqual(['Also delete the context?']);
    expect(related).toEqual([{ taskId: created.task.taskId }]);
  });
});
