// A real Prometheus (Debian's `prometheus`) scrapes the HTTP example's /metrics while MCP tool calls
// run tasks in it; then every PromQL expression of examples/grafana/headway-dashboard.json goes
// through Prometheus's HTTP API, as Grafana would send it.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtInVariables, expandVariables, labelValueVariables, panelQueries } from './support/grafana.js';
import type { GrafanaDashboard } from './support/grafana.js';
import { findPrometheus, startPrometheus } from './support/prometheus.js';
import type { PromResult, PromSeries, PrometheusServer } from './support/prometheus.js';
import { BUSY_EXAMPLE_ENV, runRegistryWorkload, startHttpExample } from './support/registry-example.js';
import type { HttpExample } from './support/registry-example.js';

const DASHBOARD = JSON.parse(readFileSync(new URL('../grafana/headway-dashboard.json', import.meta.url), 'utf8')) as GrafanaDashboard;
const SCRAPE_SECONDS = 1;

const binary = findPrometheus();
const inCi = (process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false') || process.env.HEADWAY_REQUIRE_PROMETHEUS === '1';
if (!binary && !inCi) {
  console.warn('Skipping the real Prometheus test: no prometheus binary (apt-get install -y prometheus, or set PROMETHEUS_BIN).');
}

function finiteValues(result: PromResult): number[] {
  if (result.resultType === 'scalar') return [Number((result.result as [number, string])[1])].filter(Number.isFinite);
  const series = result.result as PromSeries[];
  return series.flatMap((s) => (s.values ?? (s.value ? [s.value] : [])).map(([, v]) => Number(v))).filter(Number.isFinite);
}

async function until<T>(what: string, read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await read();
    if (ok(last)) return last;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe.skipIf(!binary && !inCi)('the Grafana dashboard against a real Prometheus scraping the HTTP example', () => {
  let example: HttpExample | undefined;
  let prometheus: PrometheusServer | undefined;
  let outcome: { completed: number; failed: number };
  let runStart = 0;
  let runEnd = 0;

  beforeAll(async () => {
    if (!binary) throw new Error('No prometheus binary, and CI requires this test: install Debian\'s prometheus (.ci/run does) or set PROMETHEUS_BIN.');
    example = await startHttpExample(BUSY_EXAMPLE_ENV);
    prometheus = await startPrometheus(binary, { target: example.metricsUrl, scrapeInterval: `${SCRAPE_SECONDS}s` });
    await until('a first scrape of the example', () => prometheus!.scrapes(), (n) => n >= 1);
    runStart = Math.floor(Date.now() / 1000);
    outcome = await runRegistryWorkload(example.mcpUrl);
    // A scrape after the last task ended, and one more, so rates have two samples of the end.
    const ended = outcome.completed + outcome.failed;
    await until(
      `Prometheus to see ${ended} finished tasks`,
      async () => finiteValues(await prometheus!.query('sum(headway_tasks_finished_total)'))[0] ?? 0,
      (n) => n >= ended,
    );
    await new Promise((r) => setTimeout(r, 2 * SCRAPE_SECONDS * 1000 + 200));
    runEnd = Math.ceil(Date.now() / 1000);
  }, 180_000);

  afterAll(async () => {
    await prometheus?.close();
    await example?.stop();
  });

  it('scraped /metrics while tasks were working, and counted each outcome', async () => {
    expect(outcome).toEqual({ completed: 3, failed: 1 });
    const working = await prometheus!.query(`max(max_over_time(headway_tasks_active{status="working"}[${runEnd - runStart + 60}s]))`, runEnd);
    expect(finiteValues(working)[0], 'a scrape saw a task working').toBeGreaterThanOrEqual(1);
    const finished = await prometheus!.query('sum by (status) (headway_tasks_finished_total)', runEnd);
    const byStatus = Object.fromEntries((finished.result as PromSeries[]).map((s) => [s.metric.status, Number(s.value![1])]));
    expect(byStatus).toMatchObject({ completed: 3, failed: 1, cancelled: 0 });
  });

  it('the kind variable lists the kinds that ran', async () => {
    const variables = labelValueVariables(DASHBOARD);
    expect(variables.map((v) => v.name)).toEqual(['kind']);
    for (const { metric, label } of variables) {
      const values = await prometheus!.labelValues(label, metric);
      expect(values).toEqual(expect.arrayContaining(['cleanup', 'statistics']));
    }
  });

  it('the stat panels show what ran over the dashboard\'s own range: tasks created, failed, active, events dropped', async () => {
    // The dashboard opens on `now-1h`; its stat panels show the last value of their query.
    expect(DASHBOARD.time).toEqual({ from: 'now-1h', to: 'now' });
    // Evaluated at the last scrape: increase() extrapolates from the last sample to the evaluation
    // time, which over a series only seconds old (as here) could add half a task to a stat.
    const lastScrape = finiteValues(await prometheus!.query('max(timestamp(up{job="headway"}))', runEnd))[0]!;
    const shown: Record<string, number | undefined> = {};
    for (const { where, panelType, expr } of panelQueries(DASHBOARD)) {
      if (panelType !== 'stat') continue;
      const query = expandVariables(expr, { kind: '.*', ...builtInVariables(3600, SCRAPE_SECONDS, SCRAPE_SECONDS) });
      shown[where.replace(/^panel "([^"]+)".*$/, '$1')] = finiteValues(await prometheus!.query(query, lastScrape))[0];
    }
    expect(Object.keys(shown)).toEqual(['Tasks created', 'Tasks failed', 'Tasks active', 'Events dropped']);
    // Series that appeared with their first task already counted would show 1 of these 4 tasks.
    expect(shown['Tasks created']).toBeCloseTo(4, 1);
    expect(shown['Tasks failed']).toBeCloseTo(1, 1);
    expect(shown['Tasks active']).toBe(0);
    expect(shown['Events dropped']).toBe(0);
  });

  // Grafana's "All" (a regex matching every kind), several kinds picked, and one kind.
  for (const kind of ['.*', '(cleanup|statistics)', 'cleanup']) {
    it(`every panel expression evaluates with kind=${kind} and has data where tasks ran`, async () => {
      const queries = panelQueries(DASHBOARD);
      expect(queries.length).toBeGreaterThanOrEqual(20);
      const span = runEnd - runStart + 10;
      const problems: string[] = [];
      for (const { where, panelType, expr } of queries) {
        // A dashboard range covering the run, one step per scrape ($__interval), as Grafana sends it.
        const query = expandVariables(expr, { kind, ...builtInVariables(span, SCRAPE_SECONDS, SCRAPE_SECONDS) });
        try {
          // An instant query at the end of the run (what a stat panel sends) ...
          const now = await prometheus!.query(query, runEnd);
          if (panelType === 'stat' && finiteValues(now).length === 0) problems.push(`${where}: no data at the end of the run: ${query}`);
          // ... and a time series panel's range query: an instant query at every step of the run.
          const range = await prometheus!.queryRange(query, runStart - 2, runEnd, SCRAPE_SECONDS);
          if (finiteValues(range).length === 0) problems.push(`${where}: no data while tasks ran: ${query}`);
        } catch (error) {
          problems.push(`${where}: ${(error as Error).message}: ${query}`);
        }
      }
      expect(problems, prometheus!.log()).toEqual([]);
    }, 60_000);
  }
});
