import { afterEach, describe, expect, it } from 'vitest';
import { Counter, Gauge, Registry } from 'prom-client';
import { InvalidArgumentError, NonRetryableError, TaskManager } from '@headway/core';
import type { TaskHandle } from '@headway/core';
import { METRIC, prometheusReporter } from '../src/index.js';
import { serveMetrics } from './helpers.js';
import type { MetricsServer } from './helpers.js';

let server: MetricsServer | undefined;
let manager: TaskManager | undefined;
afterEach(async () => {
  await server?.close();
  await manager?.shutdown({ mode: 'abort', timeoutMs: 1000 });
  server = manager = undefined;
});

function setup(options: ConstructorParameters<typeof TaskManager>[0] = {}, reporterOptions = {}) {
  const prom = prometheusReporter(reporterOptions);
  const m = new TaskManager({
    ...options,
    reporters: [...(options.reporters ?? []), prom],
    hub: { onReporterTrouble: () => undefined },
  });
  prom.observe(m);
  manager = m;
  return { prom, manager: m };
}

describe('prometheus reporter over real HTTP', () => {
  it('values in a /metrics scrape agree with what ran (created, finished, retries, histograms, gauges, resources)', async () => {
    const { prom, manager: m } = setup({ kindConcurrency: { held: 1 }, retry: { maxAttempts: 2, initialDelayMs: 1, jitter: 'none' } });
    server = await serveMetrics(prom.handler({ path: '/metrics' }));

    const ok: TaskHandle[] = [];
    for (let i = 0; i < 3; i++) {
      ok.push(
        await m.create({
          kind: 'ok',
          fn: async (_input, ctx) => {
            await ctx.progress.phase('Work', { total: 2 }, async (p) => {
              p.advance();
              p.advance();
            });
            return i;
          },
        }),
      );
    }
    const bad = [0, 1].map(() => m.create({ kind: 'bad', fn: () => Promise.reject(new NonRetryableError('nope')) }));
    const flaky = await m.create({
      kind: 'flaky',
      fn: (_input, ctx) => {
        if (ctx.attempt === 1) throw new Error('transient');
        return 'ok';
      },
    });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let running!: () => void;
    const isRunning = new Promise<void>((resolve) => (running = resolve));
    const held = [0, 1].map(() =>
      m.create({
        kind: 'held',
        fn: async () => {
          running();
          await gate;
        },
      }),
    );
    await Promise.all([...ok, ...(await Promise.all(bad)), flaky].map((t) => t.wait()));
    await isRunning;
    await m.flush();

    let s = await server.scrape();
    expect(s.families.get('headway_tasks_created_total')?.type).toBe('counter');
    expect(s.families.get('headway_task_duration_seconds')?.type).toBe('histogram');
    expect(s.families.get('headway_tasks_active')?.type).toBe('gauge');
    expect(s.value('headway_tasks_created_total', { kind: 'ok' })).toBe(3);
    expect(s.value('headway_tasks_created_total', { kind: 'bad' })).toBe(2);
    expect(s.value('headway_tasks_created_total', { kind: 'held' })).toBe(2);
    expect(s.value('headway_tasks_finished_total', { kind: 'ok', status: 'completed' })).toBe(3);
    expect(s.value('headway_tasks_finished_total', { kind: 'ok', status: 'failed' })).toBe(0);
    expect(s.value('headway_tasks_finished_total', { kind: 'bad', status: 'failed' })).toBe(2);
    expect(s.value('headway_tasks_finished_total', { kind: 'flaky', status: 'completed' })).toBe(1);
    expect(s.value('headway_task_retries_total', { kind: 'flaky' })).toBe(1);
    expect(s.value('headway_task_retries_total', { kind: 'ok' })).toBe(0);
    expect(s.value('headway_task_duration_seconds_count', { kind: 'ok', status: 'completed' })).toBe(3);
    expect(s.value('headway_task_duration_seconds_bucket', { kind: 'ok', status: 'completed', le: '+Inf' })).toBe(3);
    expect(s.value('headway_task_duration_seconds_count', { kind: 'bad', status: 'failed' })).toBe(2);
    // One queue wait per attempt: the retried task started twice.
    expect(s.value('headway_task_queue_wait_seconds_count', { kind: 'flaky' })).toBe(2);
    expect(s.value('headway_task_queue_wait_seconds_count', { kind: 'held' })).toBe(1);
    expect(s.value('headway_tasks_active', { kind: 'held', status: 'working' })).toBe(1);
    expect(s.value('headway_tasks_active', { kind: 'held', status: 'queued' })).toBe(1);
    expect(s.value('headway_tasks_active', { kind: 'ok', status: 'working' })).toBe(0);
    expect(s.value('headway_task_cpu_seconds_total', { kind: 'ok', mode: 'user' })).toBeGreaterThanOrEqual(0);
    expect(s.value('headway_task_peak_memory_bytes', { kind: 'ok', type: 'rss' })).toBeGreaterThan(0);
    expect(s.value('headway_task_peak_memory_bytes', { kind: 'ok', type: 'heap_used' })).toBeGreaterThan(0);
    expect(s.value('headway_reporter_events_delivered_total', { reporter: 'prometheus' })).toBeGreaterThan(0);
    expect(s.value('headway_reporter_events_dropped_total', { reporter: 'prometheus' })).toBe(0);
    expect(s.value('headway_reporter_events_coalesced_total', { reporter: 'prometheus' })).toBeGreaterThanOrEqual(0);
    expect(s.value('headway_reporter_queue_depth', { reporter: 'prometheus' })).toBe(0);

    // Cancel the queued one, finish the running one: gauges return to zero.
    const [first, second] = await Promise.all(held);
    const queued = (await first!.get())!.status === 'queued' ? first! : second!;
    const working = queued === first ? second! : first!;
    await queued.cancel('no longer needed');
    release();
    await working.wait();
    await m.flush();
    s = await server.scrape();
    expect(s.value('headway_tasks_active', { kind: 'held', status: 'working' })).toBe(0);
    expect(s.value('headway_tasks_active', { kind: 'held', status: 'queued' })).toBe(0);
    expect(s.value('headway_tasks_finished_total', { kind: 'held', status: 'cancelled' })).toBe(1);
    expect(s.value('headway_tasks_finished_total', { kind: 'held', status: 'completed' })).toBe(1);
    const created = s.samples.filter((x) => x.name === 'headway_tasks_created_total').reduce((a, x) => a + x.value, 0);
    const finished = s.samples.filter((x) => x.name === 'headway_tasks_finished_total').reduce((a, x) => a + x.value, 0);
    expect(finished).toBe(created);
  });

  it('a task waiting for input moves between the working and input_required gauges', async () => {
    const { prom, manager: m } = setup();
    server = await serveMetrics(prom.handler());
    let answer!: (value: string) => void;
    const asked = new Promise<string>((resolve) => (answer = resolve));
    const task = await m.create({ kind: 'approval', fn: (_input, ctx) => ctx.awaitInput('Approve the purge?', () => asked) });
    const active = async (status: string) => {
      await m.flush();
      return (await server!.scrape()).value('headway_tasks_active', { kind: 'approval', status });
    };
    for (let i = 0; i < 200 && (await active('input_required')) !== 1; i++) await new Promise((r) => setTimeout(r, 10));
    expect(await active('input_required')).toBe(1);
    expect(await active('working')).toBe(0);
    answer('yes');
    expect(await task.result()).toBe('yes');
    expect(await active('input_required')).toBe(0);
    expect(await active('working')).toBe(0);
  });

  it('the handler answers HEAD, refuses other methods and serves only its path', async () => {
    const { prom } = setup();
    server = await serveMetrics(prom.handler({ path: '/metrics' }));
    const head = await fetch(server.url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect((await fetch(server.url, { method: 'POST' })).status).toBe(405);
    expect((await fetch(server.url.replace('/metrics', '/other'))).status).toBe(404);
    expect((await fetch(`${server.url}?x=1`)).status).toBe(200);
  });

  it('a reporter that throws next to it disturbs neither the task nor the metrics, and shows in sink health', async () => {
    const thrower = {
      name: 'thrower',
      onEvent() {
        throw new Error('sink on fire');
      },
    };
    const { prom, manager: m } = setup({ reporters: [thrower] });
    server = await serveMetrics(prom.handler());
    const task = await m.create({ kind: 'steady', fn: () => 42 });
    expect(await task.result()).toBe(42);
    await m.flush();
    const s = await server.scrape();
    expect(s.value('headway_tasks_finished_total', { kind: 'steady', status: 'completed' })).toBe(1);
    expect(s.value('headway_reporter_errors_total', { reporter: 'thrower' })).toBeGreaterThan(0);
    expect(s.value('headway_reporter_errors_total', { reporter: 'prometheus' })).toBe(0);
  });

  it('works with the user registry and prefix; rejects bad options and a second registration', async () => {
    const registry = new Registry();
    registry.setDefaultLabels({ service: 'schema-registry-mcp' });
    const prom = prometheusReporter({ registry, prefix: 'mcp_' });
    expect(prom.registry).toBe(registry);
    prom.onEvent({ type: 'created', taskId: 't', owner: 'o', kind: 'k', at: Date.now(), attempt: 1, metadata: {}, dependsOn: [], ttlMs: 1, maxAttempts: 1 });
    expect(await registry.getSingleMetricAsString('mcp_tasks_created_total')).toContain(
      'mcp_tasks_created_total{kind="k",service="schema-registry-mcp"} 1',
    );
    expect(() => prometheusReporter({ registry, prefix: 'mcp_' })).toThrow(InvalidArgumentError);
    prom.unregister();
    expect(registry.getSingleMetric('mcp_tasks_created_total')).toBeUndefined();
    expect(() => prometheusReporter({ registry, prefix: 'mcp_' })).not.toThrow();
    expect(() => prometheusReporter({ prefix: '9bad' })).toThrow(/prefix/);
    expect(() => prometheusReporter({ maxKinds: 0 })).toThrow(/maxKinds/);
    expect(() => prometheusReporter({ durationBuckets: [1, 0.5] })).toThrow(/durationBuckets/);
    expect(() => prometheusReporter({ registry: {} as never })).toThrow(/registry/);
    expect(() => prometheusReporter().observe({} as never)).toThrow(/manager/);
  });
});

describe('construction', () => {
  const names = (registry: Registry) => registry.getMetricsAsArray().map((m) => m.name).sort();

  it('a refused prometheusReporter() leaves the registry exactly as it was, so the corrected call succeeds', async () => {
    const registry = new Registry();
    const mine = new Counter({ name: 'app_requests_total', help: 'Requests.', registers: [registry] });
    mine.inc(3);
    const before = await registry.metrics();
    const refused: Record<string, unknown>[] = [
      { manager: {} },
      { manager: { reporterStats: 'not a function' } },
      { prefix: '9bad' },
      { maxKinds: 0 },
      { durationBuckets: [1, 0.5] },
      { queueWaitBuckets: [] },
      { name: '' },
    ];
    for (const options of refused) {
      expect(() => prometheusReporter({ registry, ...options })).toThrow(InvalidArgumentError);
      expect(names(registry)).toEqual(['app_requests_total']);
      expect(await registry.metrics()).toBe(before);
    }
    // The same registry, corrected options: nothing stands in the way.
    const m = new TaskManager();
    manager = m;
    const prom = prometheusReporter({ registry, manager: m });
    expect(names(registry)).toContain('headway_tasks_created_total');
    expect(names(registry)).toContain('app_requests_total');
    prom.unregister();
    expect(names(registry)).toEqual(['app_requests_total']);
  });

  it('a registry that already holds any one of its metrics is refused without registering the others', () => {
    for (const metric of Object.values(METRIC)) {
      const registry = new Registry();
      new Gauge({ name: `headway_${metric}`, help: 'Taken.', registers: [registry] });
      expect(() => prometheusReporter({ registry })).toThrow(new RegExp(`already has headway_${metric}`));
      expect(names(registry)).toEqual([`headway_${metric}`]);
    }
  });
});

describe('cardinality', () => {
  const KINDS = ['ingest', 'index', 'export', 'purge', 'report'];

  async function seriesAfter(tasks: number): Promise<{ series: number; created: number }> {
    const { prom, manager: m } = setup({ concurrency: 256 });
    server = await serveMetrics(prom.handler());
    const batch = 2000;
    for (let done = 0; done < tasks; done += batch) {
      const handles = await Promise.all(
        Array.from({ length: Math.min(batch, tasks - done) }, (_, i) =>
          m.create({ kind: KINDS[(done + i) % KINDS.length]!, fn: () => done + i }),
        ),
      );
      await Promise.all(handles.map((h) => h.wait()));
    }
    await m.flush();
    const s = await server.scrape();
    const created = s.samples.filter((x) => x.name === 'headway_tasks_created_total').reduce((a, x) => a + x.value, 0);
    const series = s.seriesCount();
    await server.close();
    await m.shutdown();
    server = manager = undefined;
    return { series, created };
  }

  it('100,000 tasks of 5 kinds expose exactly as many series as 5 tasks do', async () => {
    const small = await seriesAfter(KINDS.length);
    const large = await seriesAfter(100_000);
    expect(small.created).toBe(5);
    expect(large.created).toBe(100_000);
    expect(large.series).toBe(small.series);
  }, 240_000);

  it('kinds named up front are exposed at zero before their first task; bad kinds are refused', async () => {
    const prom = prometheusReporter({ kinds: ['cleanup', 'statistics'] });
    const text = await prom.scrape();
    expect(text).toMatch(/^headway_tasks_created_total\{kind="cleanup"\} 0$/m);
    expect(text).toMatch(/^headway_tasks_finished_total\{kind="statistics",status="failed"\} 0$/m);
    expect(text).toMatch(/^headway_task_duration_seconds_count\{kind="cleanup",status="completed"\} 0$/m);
    prom.onEvent({ type: 'created', taskId: 't1', owner: 'o', kind: 'cleanup', at: 0, attempt: 1, metadata: {}, dependsOn: [], ttlMs: 1, maxAttempts: 1 });
    expect(await prom.scrape()).toMatch(/^headway_tasks_created_total\{kind="cleanup"\} 1$/m);
    for (const kinds of [[''], 'cleanup', [1]]) {
      expect(() => prometheusReporter({ kinds: kinds as string[] })).toThrow(InvalidArgumentError);
    }
  });

  it('kinds beyond maxKinds share the label "other"', () => {
    const prom = prometheusReporter({ maxKinds: 3 });
    for (let i = 0; i < 50; i++) {
      prom.onEvent({ type: 'created', taskId: `t${i}`, owner: 'o', kind: `kind-${i}`, at: 0, attempt: 1, metadata: {}, dependsOn: [], ttlMs: 1, maxAttempts: 1 });
    }
    const created = prom.registry.getSingleMetric('headway_tasks_created_total')!;
    return created.get().then((m) => {
      const values = Object.fromEntries(m.values.map((v) => [v.labels.kind, v.value]));
      expect(values).toEqual({ 'kind-0': 1, 'kind-1': 1, 'kind-2': 1, other: 47 });
    });
  });
});
