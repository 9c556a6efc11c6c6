// A fleet of real processes on the real Redis: two workers (`headway-worker` CLI) and two MCP
// servers over Streamable HTTP (@headway/mcp v1 binding), clients talking to both servers.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';
import type { CallToolResult, Progress } from '@modelcontextprotocol/sdk/types.js';
import { ANY_OWNER, TaskManager } from '@headway/core';
import { prometheusReporter } from '@headway/prometheus';
import { bullmq } from '../src/index.js';
import { REDIS_URL, eventually, removeKeys, sleep, uniquePrefix } from './helpers.js';
import { metricSum } from './metrics.js';
import { CLI, NodeProcess, fixture } from './processes.js';

/** Every process of the fleet uses it: BullMQ's lock lasts ⅔ of it, its stalled check runs every ⅓. */
const STALLED_BOUND_MS = 4_500;
/** What a loaded 2-core machine may add to the bound (process scheduling, the next pickup). */
const SLACK_MS = 4_000;

describe('a fleet of processes: two workers, two MCP servers', () => {
  const prefix = uniquePrefix();
  let probeDir: string;
  const workers: NodeProcess[] = [];
  let servers: NodeProcess[] = [];
  const clients: Client[] = [];
  let local: TaskManager;
  const localMetrics = prometheusReporter();

  const env = () => ({ REDIS_URL, HEADWAY_PREFIX: prefix, PROBE_DIR: probeDir, STALLED_BOUND_MS: String(STALLED_BOUND_MS) });
  const startWorker = (name: string, chainKinds: string) =>
    NodeProcess.start(name, [CLI, '--tasks', fixture('fleet-worker.mjs'), '--stalled-bound-ms', String(STALLED_BOUND_MS), '--concurrency', '4'], { ...env(), CHAIN_KINDS: chainKinds }, [
      /ready \(Redis/,
      /metrics on (http:\S+)/,
    ]);
  const serverUrl = (server: NodeProcess) => new URL(server.match(/listening on (http:\S+)/));
  const metricsUrl = (proc: NodeProcess) => (proc.name.startsWith('server') ? new URL('/metrics', serverUrl(proc)).href : proc.match(/metrics on (http:\S+)/));

  async function connect(server: NodeProcess): Promise<Client> {
    const client = new Client({ name: 'fleet-test', version: '0.0.0' });
    await client.connect(new StreamableHTTPClientTransport(serverUrl(server), { requestInit: { headers: { authorization: 'Bearer alice' } } }));
    clients.push(client);
    return client;
  }
  const call = async (client: Client, name: string, args: Record<string, unknown>, onprogress?: (p: Progress) => void) =>
    (await client.callTool({ name, arguments: args }, CallToolResultSchema, onprogress ? { onprogress, timeout: 60_000 } : { timeout: 60_000 })) as CallToolResult;
  const structured = <T>(result: CallToolResult) => result.structuredContent as T;
  const taskIdOf = (result: CallToolResult) => structured<{ task: { taskId: string } }>(result).task.taskId;
  /** The pids of the workers that started `taskId`, in the order of the probe files found. */
  async function startedOn(taskId: string): Promise<number[]> {
    const files = await readdir(probeDir);
    return files.filter((f) => f.startsWith(`${taskId}.`) && f.endsWith('.started')).map((f) => Number(f.split('.')[1]));
  }

  beforeAll(async () => {
    probeDir = await mkdtemp(join(tmpdir(), 'hw-fleet-'));
    workers.push(await startWorker('worker-1', 'chain-a,chain-c'), await startWorker('worker-2', 'chain-b'));
    servers = [
      await NodeProcess.start('server-a', [fixture('fleet-server.mjs')], env(), [/listening on/]),
      await NodeProcess.start('server-b', [fixture('fleet-server.mjs')], env(), [/listening on/]),
    ];
    local = new TaskManager({ ...bullmq({ connection: REDIS_URL, prefix, stalledJobBoundMs: STALLED_BOUND_MS }), reporters: [localMetrics] });
    await local.start();
  }, 90_000);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await local?.shutdown({ mode: 'abort', timeoutMs: 3_000 });
    await Promise.all([...workers, ...servers].map((p) => p.stop('SIGKILL')));
    await removeKeys(prefix);
    await rm(probeDir, { recursive: true, force: true });
  });

  it("runs a tool called on server A on a worker with progress to A's inline client; a client of server B reads, waits on and cancels tasks", async () => {
    const a = await connect(servers[0]!);
    const b = await connect(servers[1]!);
    const seen: number[] = [];
    const inline = await call(a, 'count_inline', { items: 20, delayMs: 15 }, (p) => seen.push(p.progress));
    expect(inline.isError).toBeFalsy();
    const { pid } = structured<{ pid: number }>(inline);
    expect(workers.map((w) => w.pid)).toContain(pid);
    expect(seen.length).toBeGreaterThan(3);
    expect(seen.every((v, i) => i === 0 || v > seen[i - 1]!)).toBe(true);
    expect(seen.at(-1)).toBe(100);

    // Started on A in the background; B reads it and waits for it.
    const short = taskIdOf(await call(a, 'count_handle', { items: 10, delayMs: 30 }));
    const status = structured<{ task: { status: string } }>(await call(b, 'task_status', { taskId: short }));
    expect(['queued', 'working', 'completed']).toContain(status.task.status);
    const waited = await call(b, 'task_wait', { taskId: short, timeoutSeconds: 30 });
    expect(structured<{ items: number; pid: number }>(waited)).toMatchObject({ items: 10 });

    // Started on A, cancelled from B: the worker's signal aborts.
    const long = taskIdOf(await call(a, 'count_handle', { items: 1000, delayMs: 50 }));
    await eventually(async () => (await startedOn(long)).length === 1);
    const cancelled = await call(b, 'task_cancel', { taskId: long });
    expect(structured<{ task: { status: string } }>(cancelled).task.status).toBe('cancelled');
    expect((await local.get(long, { owner: ANY_OWNER }))?.status).toBe('cancelled');
    // Read until written: the worker's writeFileSync creates the file before it writes it.
    let aborted = '';
    await eventually(async () => (await readdir(probeDir)).includes(`${long}.aborted`) && (aborted = await readFile(join(probeDir, `${long}.aborted`), 'utf8')) !== '');
    expect(aborted).toMatch(/^\d+ TaskCancelledError: Cancelled by the client/);
    expect(Number(aborted.split(' ')[0])).toBe((await startedOn(long))[0]);
  });

  it('runs a chain of three kinds across workers in order, passing results; a failing middle task fails the last', async () => {
    const first = await local.create({ kind: 'chain-a', owner: 'alice' });
    const second = await local.create({ kind: 'chain-b', owner: 'alice', dependsOn: [first.id] });
    const third = await local.create({ kind: 'chain-c', owner: 'alice', dependsOn: [second.id] });
    expect(await third.result()).toBe('abc');
    const [w1, w2] = workers.map((w) => w.pid);
    expect(await startedOn(first.id)).toEqual([w1]);
    expect(await startedOn(second.id)).toEqual([w2]);
    expect(await startedOn(third.id)).toEqual([w1]);
    const records = await Promise.all([first, second, third].map((t) => t.get()));
    expect(records[1]!.startedAt!).toBeGreaterThanOrEqual(records[0]!.finishedAt!);
    expect(records[2]!.startedAt!).toBeGreaterThanOrEqual(records[1]!.finishedAt!);

    const ok = await local.create({ kind: 'chain-a', owner: 'alice' });
    const broken = await local.create({ kind: 'chain-b', owner: 'alice', input: { fail: true }, dependsOn: [ok.id] });
    const last = await local.create({ kind: 'chain-c', owner: 'alice', dependsOn: [broken.id] });
    expect(await last.wait()).toMatchObject({ status: 'failed', error: { code: 'dependency_failed' } });
    expect((await broken.get())!.status).toBe('failed');
    expect(await startedOn(last.id)).toEqual([]);
  });

  it('counts over the fleet in Prometheus exactly what ran', async () => {
    const records = [];
    let cursor: string | undefined;
    do {
      const page = await local.list({ owner: ANY_OWNER, limit: 1000, ...(cursor && { cursor }) });
      records.push(...page.tasks);
      cursor = page.nextCursor;
    } while (cursor);
    const ran = { completed: 0, failed: 0, cancelled: 0 };
    for (const r of records) if (r.status in ran) ran[r.status as keyof typeof ran]++;
    expect(records.length).toBe(ran.completed + ran.failed + ran.cancelled);
    await local.flush();
    const texts = [await localMetrics.scrape()];
    for (const proc of [...workers, ...servers]) texts.push(await (await fetch(metricsUrl(proc))).text());
    const total = (name: string, labels: Record<string, string> = {}) => texts.reduce((sum, text) => sum + metricSum(text, name, labels), 0);
    expect(total('headway_tasks_created_total')).toBe(records.length);
    for (const status of ['completed', 'failed', 'cancelled'] as const) expect(total('headway_tasks_finished_total', { status })).toBe(ran[status]);
  });

  it('resumes the task of a SIGKILLed worker from its checkpoint on the other worker, within the documented bound', async () => {
    const a = await connect(servers[0]!);
    const id = taskIdOf(await call(a, 'steps', { steps: 40, delayMs: 100 }));
    await eventually(async () => (((await local.get(id, { owner: ANY_OWNER }))?.checkpoint as { next?: number } | undefined)?.next ?? 0) >= 3);
    const [victimPid] = await startedOn(id);
    const victim = workers.find((w) => w.pid === victimPid)!;
    const killedAt = Date.now();
    await victim.stop('SIGKILL');
    const checkpointAtKill = ((await local.get(id, { owner: ANY_OWNER }))!.checkpoint as { next: number }).next;
    await eventually(async () => (await startedOn(id)).length === 2, STALLED_BOUND_MS + SLACK_MS + 5_000);
    const resumedAfterMs = Date.now() - killedAt;
    const result = await local.wait(id, { owner: ANY_OWNER, timeoutMs: 30_000 });
    expect(result.status).toBe('completed');
    const answer = (result.result as { structuredContent: { resumedFrom: number; pid: number; attempt: number } }).structuredContent;
    expect(answer.pid).not.toBe(victimPid);
    expect(answer.resumedFrom).toBeGreaterThanOrEqual(checkpointAtKill);
    expect(answer.attempt).toBe(2);
    expect(resumedAfterMs).toBeLessThanOrEqual(STALLED_BOUND_MS + SLACK_MS);
    console.log(`resumed on the other worker ${resumedAfterMs} ms after the SIGKILL (bound ${STALLED_BOUND_MS} ms)`);
    workers.splice(workers.indexOf(victim), 1, await startWorker(victim.name, victim.name === 'worker-1' ? 'chain-a,chain-c' : 'chain-b'));
  });

  it('fails the task of a SIGKILLed worker that cannot resume, within the bound, never leaving it working', async () => {
    const a = await connect(servers[1]!);
    const id = taskIdOf(await call(a, 'count_handle', { items: 400, delayMs: 50 }));
    await eventually(async () => (await startedOn(id)).length === 1);
    await sleep(300);
    const [pid] = await startedOn(id);
    const target = workers.find((w) => w.pid === pid)!;
    const killedAt = Date.now();
    await target.stop('SIGKILL');
    const ended = await local.wait(id, { owner: ANY_OWNER, timeoutMs: STALLED_BOUND_MS + SLACK_MS + 5_000 });
    const failedAfterMs = Date.now() - killedAt;
    expect(ended).toMatchObject({ status: 'failed', error: { code: 'interrupted' } });
    expect(failedAfterMs).toBeLessThanOrEqual(STALLED_BOUND_MS + SLACK_MS);
    console.log(`failed as interrupted ${failedAfterMs} ms after the SIGKILL (bound ${STALLED_BOUND_MS} ms)`);
  });
});
