// The schema-registry example over Streamable HTTP, with every sink, driven by the SDK's own client:
// a tool call shows up in /metrics and the dashboard; both generations are served without sessions; a task interrupted by a
// SIGKILL completes after a restart on the same data directory with no client connected.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { useCleanup } from './support/cleanup.js';
import { startHttpExample } from './support/registry-example.js';
import type { HttpExample } from './support/registry-example.js';

const { defer, tempDir } = useCleanup();

async function example(env: Record<string, string>, dataDir?: string): Promise<HttpExample> {
  const started = await startHttpExample(env, dataDir);
  defer(() => started.stop());
  return started;
}

async function connect(url: string): Promise<Client> {
  const client = new Client({ name: 'http-example-test', version: '0.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  defer(() => client.close());
  return client;
}

interface DashboardTask {
  id: string;
  kind: string;
  status: string;
  progress: number;
}

async function dashboardTasks(ex: HttpExample): Promise<DashboardTask[]> {
  return ((await (await fetch(`${ex.dashboardUrl}api/tasks`)).json()) as { tasks: DashboardTask[] }).tasks;
}

async function until<T>(what: string, read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A JSON-RPC POST to /mcp, as a client without the SDK sends it; the SSE or JSON answer parsed. */
async function post(url: string, body: object, sessionId?: string): Promise<{ status: number; sessionId: string | null; json?: unknown }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2025-11-25',
      ...(sessionId && { 'mcp-session-id': sessionId }),
    },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  const data = /^data: (.*)$/m.exec(text)?.[1] ?? (text.startsWith('{') ? text : undefined);
  return { status: res.status, sessionId: res.headers.get('mcp-session-id'), ...(data !== undefined && { json: JSON.parse(data) as unknown }) };
}

describe('schema-registry server over Streamable HTTP with every sink', () => {
  it('runs a tool for an MCP client; /metrics and the dashboard show the task; the OpenTelemetry worker exports its spans; SIGTERM stops the server', async () => {
    // OTEL_WORKER: the OpenTelemetry SDK on a worker thread, exporting to the console (the example's stdout).
    // OTEL_BSP_SCHEDULE_DELAY: the worker's batch processor exports within 200 ms, not only at shutdown
    // (a worker's stdout reaches the process's asynchronously, so what it prints as the process exits may be lost).
    const ex = await startHttpExample({ REGISTRY_SEED_SUBJECTS: '8', REGISTRY_LATENCY_MS: '2', OTEL_WORKER: '1', OTEL_BSP_SCHEDULE_DELAY: '200' });
    defer(() => ex.stop());
    const client = await connect(ex.mcpUrl);
    const progress: number[] = [];
    const result = (await client.callTool({ name: 'clear_context_batch', arguments: { context: 'dev', dry_run: false } }, undefined, {
      onprogress: (p) => progress.push(p.progress),
    })) as CallToolResult;
    expect(result.structuredContent).toMatchObject({ subjects_deleted: 8, context_deleted: true });
    expect(progress.length).toBeGreaterThan(1);
    await client.close();

    const metrics = await (await fetch(ex.metricsUrl)).text();
    expect(metrics).toMatch(/headway_tasks_created_total\{kind="cleanup"\} 1/);
    expect(metrics).toMatch(/headway_tasks_finished_total\{kind="cleanup",status="completed"\} 1/);
    const page = await fetch(ex.dashboardUrl);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html');
    expect(await dashboardTasks(ex)).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'cleanup', status: 'completed' })]));

    // The console exporter on the worker printed the task's span and its phases.
    await until('the worker to print the task span', async () => ex.output(), (out) => /'headway\.task\.outcome': 'completed'/.test(out), 30_000);
    await ex.stop();
    expect(ex.output()).toMatch(/name: 'task cleanup'/);
    expect(ex.output()).toMatch(/name: 'phase /);
    expect(ex.output()).toMatch(/'headway\.task\.outcome': 'completed'/);
  });

  it('serves both generations at /mcp, statelessly: 2025-11-25 without a session, 2026-07-28 server/discover with the tasks extension', async () => {
    const ex = await example({ REGISTRY_SEED_SUBJECTS: '3', REGISTRY_LATENCY_MS: '1' });
    const init = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '0' } } };
    const opened = await post(ex.mcpUrl, init);
    expect(opened.status).toBe(200);
    expect(opened.json).toMatchObject({ result: { protocolVersion: '2025-11-25', capabilities: { tasks: expect.any(Object) } } });
    expect(opened.sessionId).toBeNull();
    const tools = await post(ex.mcpUrl, { jsonrpc: '2.0', id: 2, method: 'tools/list' });
    expect((tools.json as { result: { tools: { name: string }[] } }).result.tools.map((t) => t.name)).toEqual(expect.arrayContaining(['clear_context_batch', 'count_schemas']));

    const discover = await fetch(ex.mcpUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'server/discover' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 3,
        method: 'server/discover',
        params: {
          _meta: {
            'io.modelcontextprotocol/protocolVersion': '2026-07-28',
            'io.modelcontextprotocol/clientInfo': { name: 'raw', version: '0' },
            'io.modelcontextprotocol/clientCapabilities': {},
          },
        },
      }),
    });
    const text = await discover.text();
    const answer = JSON.parse(/^data: (.*)$/m.exec(text)?.[1] ?? text) as { result?: { capabilities?: { extensions?: Record<string, unknown> } } };
    expect(answer.result?.capabilities?.extensions).toHaveProperty(['io.modelcontextprotocol/tasks']);
  }, 60_000);

  it('a task interrupted by SIGKILL completes after a restart on the same data directory, with no client connected', async () => {
    const dataDir = tempDir('headway-http-restart-');
    const env = { REGISTRY_SEED_SUBJECTS: '60', REGISTRY_LATENCY_MS: '100', INLINE_BUDGET_MS: '1000' };
    const first = await example(env, dataDir);
    const client = await connect(first.mcpUrl);
    const answer = (await client.callTool({ name: 'clear_context_batch', arguments: { context: 'dev', dry_run: false } }, undefined, { timeout: 60_000 })) as CallToolResult;
    const { taskId } = (answer.structuredContent as { task: { taskId: string } }).task;
    const before = await until('the clear to get past a checkpoint', () => dashboardTasks(first), (tasks) => (tasks.find((t) => t.id === taskId)?.progress ?? 0) > 40);
    await first.kill();
    const killedAt = before.find((t) => t.id === taskId)!.progress;
    expect(killedAt).toBeLessThan(100);

    const second = await example(env, dataDir);
    const after = await until('the recovered task to complete', () => dashboardTasks(second), (tasks) => tasks.find((t) => t.id === taskId)?.status === 'completed');
    expect(after.find((t) => t.id === taskId)).toMatchObject({ kind: 'cleanup', status: 'completed', progress: 100 });
    expect(existsSync(join(dataDir, 'registry', 'dev'))).toBe(false);
    expect(existsSync(join(dataDir, 'registry', 'staging'))).toBe(true);
    // It went on from its checkpoint (a run with one logs "Resuming"), not from the start.
    const history = await (await fetch(`${second.dashboardUrl}api/tasks/${taskId}`)).json();
    expect(JSON.stringify(history)).toMatch(/Resuming batch clear operation/);
    // Both runs' phase spans 10–90 % of the whole clear (`from`), so the resumed run's items land where
    // they stood: its progress does not jump ahead of its counts.
    const phases = (history as { history?: { phases?: { name: string; from: number; to: number }[] } }).history?.phases ?? [];
    const resumedPhase = phases.filter((p) => p.name === 'Deleting subjects');
    expect(resumedPhase.length).toBeGreaterThan(0);
    for (const span of resumedPhase) expect([span.from, span.to]).toEqual([10, 90]);
  }, 120_000);
});
