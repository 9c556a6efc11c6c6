import { afterEach, describe, expect, it } from 'vitest';
import { v2ServerPerFile } from './support/v2-server.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CallToolResultSchema, CreateTaskResultSchema, LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

// The SDK v1 client (protocol 2025-11-25) against the v2 binding: the legacy leg of the same server
// serves what the v1 binding serves (inline progress, handles, native tasks, elicitation inline).
const clients: Client[] = [];
const v2 = v2ServerPerFile();
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close().catch(() => undefined)));
});

async function connect(user?: string): Promise<Client> {
  const client = new Client({ name: 'v1-client', version: '0.0.0' }, { capabilities: {} });
  const headers = user ? { 'x-test-user': user } : undefined;
  await client.connect(new StreamableHTTPClientTransport(v2.url, headers ? { requestInit: { headers } } : {}));
  clients.push(client);
  return client;
}

const structured = (result: unknown) => (result as CallToolResult).structuredContent as Record<string, unknown>;

describe('the v1 SDK client (2025-11-25) against the v2 binding', () => {
  it('negotiates 2025-11-25 and sees the task capability and each tool\'s taskSupport', async () => {
    const client = await connect();
    expect(client.getServerCapabilities()?.tasks).toMatchObject({ requests: { tools: { call: {} } } });
    const tools = (await client.listTools()).tools;
    expect(tools.find((t) => t.name === 'slow_native')?.execution).toEqual({ taskSupport: 'required' });
    expect(tools.find((t) => t.name === 'slow_auto')?.execution).toEqual({ taskSupport: 'optional' });
    expect(tools.find((t) => t.name === 'slow_inline')?.execution).toEqual({ taskSupport: 'forbidden' });
  });

  it("logging: the server declares it, logging/setLevel is answered, and a task's lifecycle lines arrive as notifications/message", async () => {
    const client = await connect();
    expect(client.getServerCapabilities()?.logging).toEqual({});
    const lines: string[] = [];
    client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void lines.push(String((n.params.data as { message?: string }).message)));
    await client.setLoggingLevel('debug');
    await client.callTool({ name: 'slow_inline', arguments: { ms: 50 } }, CallToolResultSchema);
    expect(lines.some((line) => /started/i.test(line))).toBe(true);
  });

  it('inline: strictly increasing progress on the request, then the result', async () => {
    const client = await connect();
    const seen: number[] = [];
    const result = await client.callTool({ name: 'slow_inline', arguments: { ms: 300 } }, CallToolResultSchema, { onprogress: (p) => void seen.push(p.progress) });
    expect(structured(result)).toMatchObject({ slept: 300 });
    expect(seen.length).toBeGreaterThan(1);
    seen.slice(1).forEach((value, i) => expect(value).toBeGreaterThan(seen[i]!));
  });

  it('auto past its budget answers with a handle; task_wait returns the result', async () => {
    const client = await connect();
    const handle = await client.callTool({ name: 'slow_auto', arguments: { ms: 900 } });
    const { taskId } = structured(handle).task as { taskId: string };
    expect(structured(handle)).toMatchObject({ promoted: true });
    expect(structured(await client.callTool({ name: 'task_wait', arguments: { taskId } }))).toMatchObject({ slept: 900 });
  });

  it('native: a requested ttl is the client\'s wish, kept within 0 … maxTtlMs as on SDK v1', async () => {
    const client = await connect();
    const negative = await client.request({ method: 'tools/call', params: { name: 'slow_native', arguments: { ms: 1 }, task: { ttl: -1 } } }, CreateTaskResultSchema);
    expect(negative.task.ttl).toBe(0);
    const huge = await client.request({ method: 'tools/call', params: { name: 'slow_native', arguments: { ms: 1 }, task: { ttl: 1e15 } } }, CreateTaskResultSchema);
    expect(huge.task.ttl).toBe(24 * 3_600_000);
  });

  it('native: a task-augmented call answers CreateTaskResult; tasks/get, tasks/result and tasks/cancel follow it; refusals as in v1', async () => {
    const client = await connect('frank');
    const created = await client.request({ method: 'tools/call', params: { name: 'slow_native', arguments: { ms: 300 }, task: { ttl: 60_000 } } }, CreateTaskResultSchema);
    const taskId = created.task.taskId;
    expect(created.task.status).toBe('working');
    expect((await client.experimental.tasks.getTask(taskId)).taskId).toBe(taskId);
    const result = (await client.experimental.tasks.getTaskResult(taskId, CallToolResultSchema)) as CallToolResult;
    expect(result.structuredContent).toMatchObject({ slept: 300, owner: 'principal:frank' });

    const long = await client.request({ method: 'tools/call', params: { name: 'slow_native', arguments: { ms: 60_000 }, task: {} } }, CreateTaskResultSchema);
    const cancelled = await client.experimental.tasks.cancelTask(long.task.taskId);
    expect(cancelled.status).toBe('cancelled');

    const plain = (await client.callTool({ name: 'slow_native', arguments: { ms: 1 } })) as CallToolResult;
    expect(plain).toMatchObject({ isError: true, content: [{ text: expect.stringMatching(/must be called as a task/) }] });
    const forbidden = await client.request({ method: 'tools/call', params: { name: 'slow_inline', arguments: { ms: 1 }, task: {} } }, CreateTaskResultSchema).catch((e: unknown) => e);
    expect(forbidden).toMatchObject({ code: -32601 });
    const invalid = await client.request({ method: 'tools/call', params: { name: 'slow_native', arguments: { ms: 'soon' }, task: {} } }, CreateTaskResultSchema).catch((e: unknown) => e);
    expect(invalid).toMatchObject({ code: -32602 });
    expect((invalid as Error).message).toMatch(/Invalid arguments for tool slow_native: .*ms must be integer/);
    const other = await connect('grace');
    await expect(other.experimental.tasks.getTask(taskId)).rejects.toMatchObject({ code: -32602 });
  });

  it('ctx.elicit over stateless HTTP: an auto call continues as a handle answered with task_respond; an inline one fails clearly', async () => {
    const client = await connect('heidi');
    const handle = await client.callTool({ name: 'slow_auto', arguments: { ms: 100, ask_first: true } });
    const { taskId } = structured(handle).task as { taskId: string };
    const status = structured(await client.callTool({ name: 'task_status', arguments: { taskId } }));
    const question = status.question as { requestId: string; message: string };
    expect(question.message).toBe('Continue deleting?');
    await client.callTool({ name: 'task_respond', arguments: { taskId, requestId: question.requestId, action: 'accept', content: { confirm: true } } });
    expect(structured(await client.callTool({ name: 'task_wait', arguments: { taskId } }))).toMatchObject({ answer: { confirm: true } });

    const refused = (await client.callTool({ name: 'slow_inline', arguments: { ms: 100, ask_first: true } })) as CallToolResult;
    expect(refused.isError).toBe(true);
    expect((refused.content[0] as { text: string }).text).toMatch(/cannot be asked during this call/);
  });
});
