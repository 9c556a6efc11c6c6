import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultFromTaskOutcome } from '@modelcontextprotocol/ext-tasks/client';
import type { CallToolResultV2 } from '@modelcontextprotocol/ext-tasks/core/v2';
import { runInspectorCli } from './support/inspector-cli.js';
import { startServerProcess } from './support/server-process.js';
import type { ServerProcess } from './support/server-process.js';
import { connectTasksClient } from './support/tasks-client.js';

// The harness for the 2026-07-28 integration tests: a server in its own process, the official
// requester (v2 Client + ext-tasks) and MCP Inspector's CLI. Until the example server serves
// 2026-07-28, the spike server stands in (tasks in memory, so a restart forgets them).
const SPIKE = fileURLToPath(new URL('../spike/server.mjs', import.meta.url));
const ENDPOINT = 'headway-v2-harness';
let server: ServerProcess;

beforeAll(async () => {
  server = await startServerProcess({ script: SPIKE, env: { INLINE_BUDGET_MS: '300' } });
});
afterAll(async () => {
  await server?.stop();
});

describe('the 2026-07-28 harness, against a server process', () => {
  it('a call longer than the budget becomes an extension task, polled to completion', async () => {
    const c = await connectTasksClient(server.url, { endpointId: ENDPOINT });
    try {
      const execution = await c.session.callTool('long_job', { steps: 4, step_ms: 150 });
      expect(execution.kind).toBe('task');
      const { outcome } = await execution.settle();
      expect(resultFromTaskOutcome(outcome as never) as CallToolResultV2).toMatchObject({ structuredContent: { steps: 4 } });
    } finally {
      await c.close();
    }
  });

  it('input during the task is answered through tasks/update, and a task is cancelled', async () => {
    const c = await connectTasksClient(server.url, { endpointId: ENDPOINT });
    try {
      const asking = await c.session.callTool('long_job_native', { steps: 2, step_ms: 50, ask_at: 1 });
      expect((await asking.settle()).outcome.status).toBe('completed');
      expect(c.inputs).toEqual([{ kind: 'elicitation', delivery: 'task-update', message: 'Continue after step 1?' }]);
      const long = await c.session.callTool('long_job_native', { steps: 100, step_ms: 100 });
      await long.cancel();
      expect((await long.settle()).outcome.status).toBe('cancelled');
    } finally {
      await c.close();
    }
  });

  it('survives SIGKILL and a restart on the same port: a new client resumes by reference (the spike forgot the task: -32602)', async () => {
    const a = await connectTasksClient(server.url, { endpointId: ENDPOINT });
    const execution = await a.session.callTool('long_job_native', { steps: 50, step_ms: 100 });
    if (execution.kind !== 'task') throw new Error('expected a task');
    const reference = execution.serializeReference();
    await execution.detach();
    await a.close();
    const port = Number(server.url.port);
    await server.stop('SIGKILL');
    server = await startServerProcess({ script: SPIKE, port, env: { INLINE_BUDGET_MS: '300' } });
    const b = await connectTasksClient(server.url, { endpointId: ENDPOINT });
    try {
      await expect(b.session.resumeTask(reference)).rejects.toMatchObject({ code: -32602 });
    } finally {
      await b.close();
    }
  });

  it("MCP Inspector 2.12's CLI (Node 22) calls the long tool and prints the settled result", async () => {
    const answer = await runInspectorCli(server.url, ['--protocol-era', 'modern', '--method', 'tools/call', '--tool-name', 'long_job', '--tool-args-json', '{"steps":4,"step_ms":150}']);
    expect(answer).toEqual({ result: { content: [{ type: 'text', text: '{"steps":4,"traceparent":null}' }], structuredContent: { steps: 4, traceparent: null }, resultType: 'complete' } });
    expect(server.output()).toMatch(/long_job: answered with the extension task/); // it settled a task, not an inline answer
  }, 180_000);
});
