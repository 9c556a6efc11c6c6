// The observability example: every sink on one server, driven by the SDK's own client. Its tasks
// show up in /metrics, in the dashboard's API, in the file log, as OTLP spans at a real OTLP/HTTP
// endpoint, and in a real Prometheus running the example's own prometheus.yml.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readTaskHistory } from '@headway/file-store';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpServer } from './support/http-example.js';
import type { HttpExample } from './support/http-example.js';
import { findPrometheus, startPrometheus } from './support/prometheus.js';
import type { PromSeries } from './support/prometheus.js';

const SCRIPT = fileURLToPath(new URL('../dist/observability/server.js', import.meta.url));
const SCRAPE_CONFIG = fileURLToPath(new URL('../src/observability/prometheus.yml', import.meta.url));
const prometheusBinary = findPrometheus();

/** An OTLP/HTTP endpoint: keeps every body posted to /v1/traces (JSON or protobuf: span names are plain UTF-8 in both). */
async function otlpReceiver(): Promise<{ url: string; received: () => string; close: () => Promise<void> }> {
  const bodies: Buffer[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/v1/traces') bodies.push(Buffer.concat(chunks));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    received: () => Buffer.concat(bodies).toString('latin1'),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function until(what: string, ok: () => Promise<boolean> | boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('observability example: every sink composed', () => {
  let dataDir: string;
  let tree: string;
  let otlp: Awaited<ReturnType<typeof otlpReceiver>>;
  let example: HttpExample;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'headway-observability-'));
    tree = mkdtempSync(join(tmpdir(), 'headway-observability-tree-'));
    for (let i = 0; i < 20; i++) {
      mkdirSync(join(tree, `d${i % 4}`), { recursive: true });
      writeFileSync(join(tree, `d${i % 4}`, `f${i}.txt`), `file ${i}\n`.repeat(100 + i));
    }
    otlp = await otlpReceiver();
    example = await startHttpServer(SCRIPT, {
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '200',
      REGISTRY_SEED_SUBJECTS: '10',
      REGISTRY_LATENCY_MS: '5',
    }, dataDir);
    const client = new Client({ name: 'observability-test', version: '0.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(example.mcpUrl)));
    const call = async (name: string, args: Record<string, unknown>) => (await client.callTool({ name, arguments: args }, undefined, { timeout: 120_000 })) as CallToolResult;
    const cleared = await call('clear_context_batch', { context: 'dev', dry_run: false });
    const indexed = await call('index_directory', { root: tree });
    expect(cleared.structuredContent).toMatchObject({ subjects_deleted: 10 });
    expect(indexed.structuredContent).toMatchObject({ files: 20 });
    await client.close();
    // The dashboard lists every task: their ids, by kind, for the checks below.
    const { tasks } = (await (await fetch(`${example.dashboardUrl}api/tasks`)).json()) as { tasks: { id: string; kind: string }[] };
    for (const t of tasks) ids[t.kind] = t.id;
  }, 180_000);

  afterAll(async () => {
    await example?.stop();
    await otlp?.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(tree, { recursive: true, force: true });
  });

  it('prints where each sink is', () => {
    expect(example.output()).toContain(`OpenTelemetry: OTLP to ${otlp.url} (http/json) · file log in ${join(dataDir, 'events')}`);
  });

  it('/metrics counts both tasks, by kind and outcome', async () => {
    const metrics = await (await fetch(example.metricsUrl)).text();
    expect(metrics).toMatch(/^headway_tasks_finished_total\{kind="cleanup",status="completed"\} 1$/m);
    expect(metrics).toMatch(/^headway_tasks_finished_total\{kind="file-index",status="completed"\} 1$/m);
    expect(metrics).toMatch(/^headway_tasks_created_total\{kind="export"\} 0$/m);
  });

  it('the dashboard API lists both tasks completed, and shows one with its phases', async () => {
    const { tasks } = (await (await fetch(`${example.dashboardUrl}api/tasks`)).json()) as { tasks: { id: string; kind: string; status: string }[] };
    expect(tasks).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'cleanup', status: 'completed' }), expect.objectContaining({ kind: 'file-index', status: 'completed' })]),
    );
    const one = await (await fetch(`${example.dashboardUrl}api/tasks/${ids['file-index']}`)).text();
    expect(one).toContain('Hashing');
  });

  it('the file log holds each task\'s events, from created to completed', async () => {
    for (const kind of ['cleanup', 'file-index']) {
      const history = await readTaskHistory(join(dataDir, 'events'), ids[kind]!);
      const types = history.map((e) => e.type);
      expect(types[0], kind).toBe('created');
      expect(types).toContain('progress');
      expect(types.at(-1), kind).toBe('completed');
    }
  });

  it('OpenTelemetry spans reach the OTLP endpoint: one per task, child spans per phase', async () => {
    await until('spans of both tasks at the OTLP endpoint', () => otlp.received().includes('task cleanup') && otlp.received().includes('task file-index'));
    expect(otlp.received()).toContain('phase Hashing');
    expect(otlp.received()).toContain('headway-observability-example');
  });

  it.skipIf(!prometheusBinary)('a real Prometheus running the example\'s prometheus.yml scrapes the tasks', async () => {
    const target = new URL(example.metricsUrl).host;
    const config = readFileSync(SCRAPE_CONFIG, 'utf8').replace("'127.0.0.1:3002'", `'${target}'`).replace(/5s/g, '1s');
    expect(config).toContain(target);
    const prometheus = await startPrometheus(prometheusBinary!, { target: example.metricsUrl, configText: config });
    try {
      let series: PromSeries[] = [];
      await until('Prometheus to scrape the finished tasks', async () => {
        series = (await prometheus.query('sum by (kind) (headway_tasks_finished_total{status="completed"})')).result as PromSeries[];
        return series.length >= 2;
      });
      expect(Object.fromEntries(series.map((s) => [s.metric.kind, Number(s.value![1])]))).toMatchObject({ cleanup: 1, 'file-index': 1 });
    } finally {
      await prometheus.close();
    }
  }, 90_000);
});
