import { afterEach, describe, expect, it } from 'vitest';
import { ANY_OWNER } from '@headway/core';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CallToolResultSchema, CreateTaskResultSchema, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { CallToolResult, Progress } from '@modelcontextprotocol/sdk/types.js';
import { eventually, httpClient, httpServer, newClient } from './support/harness.js';
import type { HttpSetup } from './support/harness.js';

let setup: HttpSetup | undefined;
const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close().catch(() => undefined)));
  await setup?.close();
  setup = undefined;
});

async function connect(token?: string) {
  const pair = await httpClient(setup!.url, token);
  clients.push(pair.client);
  return pair;
}

const text = (r: CallToolResult) => (r.content[0] as { text: string }).text;
const idOf = (r: CallToolResult) => (r.structuredContent as { task: { taskId: string } }).task.taskId;

/** Everything a foreign caller can try on a task; each must look exactly like a missing task. */
async function expectInvisible(client: Client, taskId: string): Promise<void> {
  for (const tool of ['task_status', 'task_wait', 'task_result', 'task_cancel']) {
    const r = (await client.callTool({ name: tool, arguments: { taskId, ...(tool === 'task_wait' && { timeoutSeconds: 1 }) } })) as CallToolResult;
    expect(r.isError).toBe(true);
    expect(text(r)).toBe(`Task not found: ${JSON.stringify(taskId)}`);
  }
  for (const call of [
    () => client.experimental.tasks.getTask(taskId),
    () => client.experimental.tasks.getTaskResult(taskId),
    () => client.experimental.tasks.cancelTask(taskId),
    () => client.readResource({ uri: `task://${taskId}` }),
    () => client.subscribeResource({ uri: `task://${taskId}` }),
  ]) {
    const error = await call().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpError);
    expect((error as McpError).code).toBe(-32602);
    expect((error as McpError).message).toContain('not found');
  }
  const listed = (await client.callTool({ name: 'task_list', arguments: {} })) as CallToolResult;
  expect(JSON.stringify(listed.structuredContent ?? {})).not.toContain(taskId);
  // Where listing is off (unauthenticated HTTP), it shows nothing either.
  expect(JSON.stringify(await client.experimental.tasks.listTasks().catch((e: unknown) => String(e)))).not.toContain(taskId);
}

describe('Streamable HTTP on loopback', () => {
  it('delivers inline progress on the request stream, strictly increasing, with logs', async () => {
    setup = await httpServer();
    const { client, inbox } = await connect();
    const seen: Progress[] = [];
    const result = (await client.callTool({ name: 'clear_context_batch', arguments: { context: 'http', subjects: 30, delayMs: 10 } }, CallToolResultSchema, {
      onprogress: (p) => seen.push(p),
    })) as CallToolResult;
    expect(result.structuredContent).toEqual({ context: 'http', deleted: 30, dry_run: true });
    const values = seen.map((p) => p.progress);
    expect(values.length).toBeGreaterThan(2);
    expect(values.every((v, i) => i === 0 || v > values[i - 1]!)).toBe(true);
    expect(values.at(-1)).toBe(100);
    expect(inbox.logs.some((l) => l.logger === 'BatchOperations')).toBe(true);
  });

  it('serves native tasks and auto promotion over HTTP', async () => {
    setup = await httpServer({ budgetMs: 300, headway: { anonymousListing: true } });
    const { client } = await connect();
    const created = await client.request(
      { method: 'tools/call', params: { name: 'slow_native', arguments: { ms: 400 }, task: { ttl: 30_000 } } },
      CreateTaskResultSchema,
    );
    const result = (await client.experimental.tasks.getTaskResult(created.task.taskId, CallToolResultSchema)) as CallToolResult;
    expect(result.structuredContent).toEqual({ slept: 400, label: null });
    const promoted = (await client.callTool({ name: 'slow_auto', arguments: { ms: 1_500 } })) as CallToolResult;
    expect((promoted.structuredContent as { promoted?: boolean }).promoted).toBe(true);
    const done = (await client.callTool({ name: 'task_wait', arguments: { taskId: idOf(promoted) } })) as CallToolResult;
    expect(done.structuredContent).toEqual({ slept: 1_500, label: null });
    const listed = await client.experimental.tasks.listTasks();
    expect(listed.tasks.map((t) => t.taskId)).toEqual([created.task.taskId, idOf(promoted)]);
  });

  it('unauthenticated: a task id is a bearer capability (another session holding it follows the task), listing is off, other ids are missing', async () => {
    setup = await httpServer();
    const a = await connect();
    const b = await connect();
    const handle = (await a.client.callTool({ name: 'until_cancelled_handle', arguments: {} })) as CallToolResult;
    const id = idOf(handle);
    const status = (await b.client.callTool({ name: 'task_status', arguments: { taskId: id } })) as CallToolResult;
    expect((status.structuredContent as { task: { status: string } }).task.status).toBe('working');
    for (const client of [a.client, b.client]) {
      const listed = (await client.callTool({ name: 'task_list', arguments: {} })) as CallToolResult;
      expect(listed.isError).toBe(true);
      expect(text(listed)).toMatch(/Listing tasks is off/);
      await expect(client.experimental.tasks.listTasks()).rejects.toMatchObject({ code: -32600 });
    }
    await expectInvisible(b.client, 'AAAAAAAAAAAAAAAAAAAAAA');
    expect((await setup.manager.get(id, { owner: ANY_OWNER }))?.owner).toBe('anonymous');
    const cancelled = (await b.client.callTool({ name: 'task_cancel', arguments: { taskId: id } })) as CallToolResult;
    expect((cancelled.structuredContent as { task: { status: string } }).task.status).toBe('cancelled');
  });

  it('binds tasks to the bearer principal: alice in a new session sees hers, bob sees nothing', async () => {
    setup = await httpServer({ auth: true });
    const alice = await connect('token-alice');
    const bob = await connect('token-bob');
    const created = await alice.client.request(
      { method: 'tools/call', params: { name: 'until_cancelled_native', arguments: {}, task: {} } },
      CreateTaskResultSchema,
    );
    const id = created.task.taskId;
    const handle = (await alice.client.callTool({ name: 'until_cancelled_handle', arguments: {} })) as CallToolResult;
    await expectInvisible(bob.client, id);
    await expectInvisible(bob.client, idOf(handle));
    const aliceAgain = await connect('token-alice');
    expect((await aliceAgain.client.experimental.tasks.getTask(id)).status).toBe('working');
    expect((await aliceAgain.client.experimental.tasks.listTasks()).tasks.map((t) => t.taskId)).toEqual([id, idOf(handle)]);
    expect((await aliceAgain.client.experimental.tasks.cancelTask(id)).status).toBe('cancelled');
    await alice.client.callTool({ name: 'task_cancel', arguments: { taskId: idOf(handle) } });
    const record = await setup.manager.get(id, { owner: ANY_OWNER });
    expect(record?.owner).toBe('principal:alice');
    await eventually(() => setup!.probe.aborted.has(id));
  });

  it('tokens without a subject name no principal: their tasks are bearer capabilities, never listed', async () => {
    setup = await httpServer({ auth: true });
    const first = await connect('token-app-user-1');
    const second = await connect('token-app-user-2');
    const handle = (await first.client.callTool({ name: 'until_cancelled_handle', arguments: {} })) as CallToolResult;
    const listed = (await second.client.callTool({ name: 'task_list', arguments: {} })) as CallToolResult;
    expect(text(listed)).toMatch(/Listing tasks is off/);
    const record = await setup.manager.get(idOf(handle), { owner: ANY_OWNER });
    expect(record?.owner).toBe('anonymous');
    await first.client.callTool({ name: 'task_cancel', arguments: { taskId: idOf(handle) } });
  });

  it('refuses requests without a valid bearer token when auth is on', async () => {
    setup = await httpServer({ auth: true });
    const client = newClient();
    clients.push(client);
    await expect(client.connect(new StreamableHTTPClientTransport(setup.url, { requestInit: { headers: { authorization: 'Bearer nope' } } }))).rejects.toThrow();
  });
});
