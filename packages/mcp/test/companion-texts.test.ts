import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { TaskManager } from '@headway/core';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { createHttpHandler } from '../src/v2.js';
import { inMemory } from './support/harness.js';

// The companion tools say the same on both SDKs, and take the same answers (the elicitation
// result's content values: string, number, boolean, or a list of strings).
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function v2Client(): Promise<Client> {
  const manager = new TaskManager();
  const handler = createHttpHandler({ manager, serverInfo: { name: 'texts', version: '0' }, log: () => undefined, tools: () => undefined });
  const http = createServer(handler.listener);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const client = new Client({ name: 'texts', version: '0' }, { capabilities: {} });
  await client.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`)));
  cleanups.push(async () => {
    await client.close();
    http.closeAllConnections();
    await new Promise((resolve) => http.close(resolve));
    await handler.close();
    await manager.shutdown({ mode: 'abort', timeoutMs: 1000 });
  });
  return client;
}

function texts(tools: Tool[]): Record<string, unknown> {
  const companions = tools.filter((t) => t.name.startsWith('task_')).sort((a, b) => a.name.localeCompare(b.name));
  return Object.fromEntries(
    companions.map((t) => [
      t.name,
      {
        title: t.title,
        description: t.description,
        fields: Object.fromEntries(Object.entries((t.inputSchema.properties ?? {}) as Record<string, { description?: string }>).map(([k, v]) => [k, v.description])),
      },
    ]),
  );
}

describe('the companion tools on both SDKs', () => {
  it('have the same titles, descriptions and field descriptions', async () => {
    const v1 = await inMemory();
    cleanups.push(() => v1.close());
    const v2 = await v2Client();
    const one = texts((await v1.client.listTools()).tools);
    const two = texts((await v2.listTools()).tools);
    expect(Object.keys(one)).toEqual(['task_cancel', 'task_list', 'task_respond', 'task_result', 'task_status', 'task_wait']);
    expect(two).toEqual(one);
  });

  it('take only elicitation content values in task_respond', async () => {
    const v2 = await v2Client();
    const nested = (await v2.callTool({ name: 'task_respond', arguments: { taskId: 't', requestId: 'r', action: 'accept', content: { deep: { x: 1 } } } })) as CallToolResult;
    expect(nested.isError).toBe(true);
    expect(JSON.stringify(nested.content)).toMatch(/content/);
    const flat = (await v2.callTool({ name: 'task_respond', arguments: { taskId: 't', requestId: 'r', action: 'accept', content: { a: 'x', b: 1, c: true, d: ['y'] } } })) as CallToolResult;
    expect(JSON.stringify(flat.content)).toMatch(/not found/i);
  });
});
