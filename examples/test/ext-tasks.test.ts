// The schema-registry HTTP example (SDK v2) with the official requester of the 2026-07-28 tasks
// extension (@modelcontextprotocol/client 2.4 + @modelcontextprotocol/ext-tasks): a destructive clear
// outlives INLINE_BUDGET_MS and becomes an extension task; the server is SIGKILLed and restarted on
// the same data directory; a new client asks tasks/get by id and follows the task to completion.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { resultFromTaskOutcome } from '@modelcontextprotocol/ext-tasks/client';
import type { CallToolResultV2 } from '@modelcontextprotocol/ext-tasks/core/v2';
import { describe, expect, it } from 'vitest';
import { useCleanup } from './support/cleanup.js';
import { startHttpExample } from './support/registry-example.js';
import type { HttpExample } from './support/registry-example.js';
import { connectTasksClient } from './support/tasks-client.js';

const { defer, tempDir } = useCleanup();
const ENDPOINT = 'schema-registry-example';
const ALICE = { authorization: 'Bearer alice' };

async function example(env: Record<string, string>, dataDir: string): Promise<HttpExample> {
  const started = await startHttpExample(env, dataDir);
  defer(() => started.stop());
  return started;
}

/** tasks/get as JSON over HTTP (the extension's wire: envelope in _meta, Mcp-Name header). */
async function tasksGet(url: string, taskId: string, headers: Record<string, string>): Promise<{ result?: Record<string, unknown>; error?: { code: number; message: string } }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tasks/get', 'mcp-name': taskId, ...headers },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'tasks/get',
      params: {
        taskId,
        _meta: {
          'io.modelcontextprotocol/protocolVersion': '2026-07-28',
          'io.modelcontextprotocol/clientInfo': { name: 'raw', version: '0' },
          'io.modelcontextprotocol/clientCapabilities': { extensions: { 'io.modelcontextprotocol/tasks': {} } },
        },
      },
    }),
  });
  const text = await res.text();
  return JSON.parse(/^data: (.*)$/m.exec(text)?.[1] ?? text) as { result?: Record<string, unknown>; error?: { code: number; message: string } };
}

describe('schema-registry over SDK v2 with the tasks extension (ext-tasks client)', () => {
  it('a clear outlives INLINE_BUDGET_MS as an extension task, survives SIGKILL and a restart, and settles for a new client', async () => {
    const dataDir = tempDir('headway-ext-tasks-');
    const env = { REGISTRY_SEED_SUBJECTS: '60', REGISTRY_LATENCY_MS: '100', INLINE_BUDGET_MS: '1000' };
    const first = await example(env, dataDir);
    const a = await connectTasksClient(first.mcpUrl, { endpointId: ENDPOINT, headers: ALICE });
    const execution = await a.session.callTool('clear_context_batch', { context: 'dev', dry_run: false });
    expect(execution.kind).toBe('task');
    let reference: Parameters<typeof a.session.resumeTask>[0] | undefined;
    await execution.handoff((ref) => {
      reference = ref;
    });
    const taskId = (reference as { taskId?: string } | undefined)?.taskId ?? '';
    expect(taskId).toMatch(/\S{16,}/);

    // Past a checkpoint (every 10 subjects), then a crash. Only the connection is closed: ext-tasks
    // 0.2.2's session.close() would cancel the task.
    let line = '';
    for (let i = 0; i < 300; i++) {
      const got = await tasksGet(first.mcpUrl, taskId, ALICE);
      line = String(got.result?.statusMessage ?? '');
      const done = /(\d+)\/60/.exec(line);
      if (done && Number(done[1]) > 15) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(line).toMatch(/^Deleting subjects – subject-\d+-value: \d+\/60 \(\d+ %\)/);
    await a.client.close();
    await first.kill();

    const second = await example(env, dataDir);
    // Another caller's tasks/get answers as for a missing task.
    expect((await tasksGet(second.mcpUrl, taskId, { authorization: 'Bearer mallory' })).error).toMatchObject({ code: -32602 });
    const got = await tasksGet(second.mcpUrl, taskId, ALICE);
    expect(got.result).toMatchObject({ taskId, status: expect.stringMatching(/^(working|completed)$/) });

    const b = await connectTasksClient(second.mcpUrl, { endpointId: ENDPOINT, headers: ALICE });
    defer(() => b.client.close());
    const resumed = await b.session.resumeTask(reference!);
    const { outcome } = await resumed.settle();
    expect(outcome.status).toBe('completed');
    expect((resultFromTaskOutcome(outcome as never) as CallToolResultV2).structuredContent).toEqual({
      context: 'dev',
      dry_run: false,
      subjects_found: 60,
      subjects_deleted: 60,
      context_deleted: true,
    });
    expect(existsSync(join(dataDir, 'registry', 'dev'))).toBe(false);
    expect(existsSync(join(dataDir, 'registry', 'staging'))).toBe(true);
  }, 180_000);
});
