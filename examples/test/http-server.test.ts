import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const serverScript = fileURLToPath(new URL('../dist/schema-registry/http.js', import.meta.url));
let child: ChildProcess;
let base: string;
let dataDir: string;
let stdout = '';

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'headway-http-example-'));
  child = spawn(process.execPath, [serverScript, dataDir], {
    // OTEL_WORKER: the OpenTelemetry SDK on a worker thread, exporting to the console (this stdout).
    env: { ...process.env, PORT: '0', REGISTRY_SEED_SUBJECTS: '8', REGISTRY_LATENCY_MS: '2', OTEL_WORKER: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  base = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /MCP on (http:\/\/127\.0\.0\.1:\d+)\/mcp/.exec(stdout);
      if (match) resolve(match[1]!);
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${stdout}`)));
  });
});

afterAll(async () => {
  if (child.exitCode === null) {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
  rmSync(dataDir, { recursive: true, force: true });
});

describe('schema-registry server over Streamable HTTP with every sink', () => {
  it('runs a tool for an MCP client, and the metrics and the dashboard show the task', async () => {
    const client = new Client({ name: 'http-example-test', version: '0.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`)));
    const progress: number[] = [];
    const result = (await client.callTool({ name: 'clear_context_batch', arguments: { context: 'dev', dryRun: false } }, undefined, {
      onprogress: (p) => progress.push(p.progress),
    })) as CallToolResult;
    expect(result.structuredContent).toMatchObject({ subjectsDeleted: 8, contextDeleted: true });
    expect(progress.length).toBeGreaterThan(1);
    await client.close();

    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/headway_tasks_created_total\{kind="cleanup"\} 1/);
    expect(metrics).toMatch(/headway_tasks_finished_total\{kind="cleanup",status="completed"\} 1/);

    const page = await fetch(`${base}/tasks/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html');
    const tasks = (await (await fetch(`${base}/tasks/api/tasks`)).json()) as { tasks: { kind: string; status: string }[] };
    expect(tasks.tasks).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'cleanup', status: 'completed' })]));
  });

  it('on SIGTERM drains and exits, and the OpenTelemetry worker has exported the task spans', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    // The console exporter on the worker printed the task's span and its phases.
    expect(stdout).toMatch(/name: 'task cleanup'/);
    expect(stdout).toMatch(/name: 'phase /);
    expect(stdout).toMatch(/'headway\.task\.outcome': 'completed'/);
  });
});
