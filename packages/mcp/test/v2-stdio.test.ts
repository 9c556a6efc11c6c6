import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { CallToolResultSchema, CreateTaskResultSchema, ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

// SDK v2 over stdio (serveStdio), protocol 2025-11-25 with the SDK v1 client: an inline call's
// question is an elicitation/create request on the open call, and the task belongs to `local`.
const FIXTURE = fileURLToPath(new URL('./fixtures/v2-stdio-server.mjs', import.meta.url));
const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close().catch(() => undefined)));
});

describe('the v2 binding over stdio (2025-11-25)', () => {
  it('asks the client on the open call and finishes with its answer; the owner is the local one', async () => {
    const client = new Client({ name: 'v1-stdio', version: '0.0.0' }, { capabilities: { elicitation: { form: {} } } });
    const asked: string[] = [];
    client.setRequestHandler(ElicitRequestSchema, async (request) => {
      asked.push(request.params.message);
      return { action: 'accept', content: { confirm: true } };
    });
    await client.connect(new StdioClientTransport({ command: process.execPath, args: [FIXTURE], stderr: 'pipe' }));
    clients.push(client);
    const result = (await client.callTool({ name: 'ask_inline', arguments: {} })) as CallToolResult;
    expect(result.structuredContent).toEqual({ action: 'accept', confirm: true, owner: 'local' });
    expect(asked).toEqual(['Also delete the context?']);
  }, 30_000);

  it('the local owner is the same after a restart: a new server process on the same data directory lists the task and gives its result', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'headway-v2-stdio-'));
    try {
      const connect = async () => {
        const client = new Client({ name: 'v1-stdio', version: '0.0.0' }, { capabilities: {} });
        await client.connect(new StdioClientTransport({ command: process.execPath, args: [FIXTURE, dataDir], stderr: 'pipe' }));
        return client;
      };
      const first = await connect();
      const created = await first.request({ method: 'tools/call', params: { name: 'slow_native', arguments: { ms: 1500 }, task: {} } }, CreateTaskResultSchema);
      await first.close(); // the server process ends with its stdin
      const second = await connect();
      clients.push(second);
      expect((await second.experimental.tasks.listTasks()).tasks.map((t) => t.taskId)).toContain(created.task.taskId);
      const result = (await second.experimental.tasks.getTaskResult(created.task.taskId, CallToolResultSchema)) as CallToolResult;
      expect(result.structuredContent).toEqual({ slept: 1500, owner: 'local' });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
