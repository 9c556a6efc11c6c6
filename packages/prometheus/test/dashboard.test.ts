import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NonRetryableError, TaskManager } from '@headway/core';
import { prometheusReporter } from '../src/index.js';
import { serveMetrics } from './helpers.js';
import { metricNames } from './promql-metrics.js';

const DASHBOARD = new URL('../../../examples/grafana/headway-dashboard.json', import.meta.url);

interface Panel {
  title?: string;
  type?: string;
  targets?: { expr?: string }[];
  panels?: Panel[];
}

function queries(dashboard: { panels: Panel[]; templating?: { list: { query?: unknown; definition?: string }[] } }) {
  const found: { where: string; expr: string }[] = [];
  const walk = (panels: Panel[]) => {
    for (const panel of panels) {
      for (const target of panel.targets ?? []) if (target.expr) found.push({ where: `panel "${panel.title}"`, expr: target.expr });
      walk(panel.panels ?? []);
    }
  };
  walk(dashboard.panels);
  for (const variable of dashboard.templating?.list ?? []) {
    const q = variable.query;
    const expr = typeof q === 'string' ? q : (q as { query?: string } | undefined)?.query;
    if (expr) found.push({ where: 'template variable', expr });
  }
  return found;
}

describe('Grafana dashboard', () => {
  it('extracts metric names from PromQL', () => {
    expect(
      metricNames(
        'histogram_quantile(0.95, sum by (le, kind) (rate(a_bucket{kind=~"$kind",x="y(z)"}[$__rate_interval]))) / clamp_min(b_total offset 5m, 1e-9) and on (kind) c',
      ).sort(),
    ).toEqual(['a_bucket', 'b_total', 'c']);
    expect(metricNames('label_values(headway_tasks_created_total, kind)')).toEqual(['headway_tasks_created_total']);
  });

  it('every metric each panel queries exists in a real scrape of the sink, and every sink metric has a panel', async () => {
    const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8'));
    expect(dashboard.__inputs?.[0]?.pluginId).toBe('prometheus');
    expect(dashboard.uid).toBe('headway-tasks');

    // Every outcome once, so every series the sink can expose is present.
    const thrower = { name: 'thrower', onEvent: () => Promise.reject(new Error('boom')) };
    const prom = prometheusReporter();
    const manager = new TaskManager({
      reporters: [thrower, prom],
      retry: { maxAttempts: 2, initialDelayMs: 1, jitter: 'none' },
      hub: { onReporterTrouble: () => undefined },
    });
    prom.observe(manager);
    const server = await serveMetrics(prom.handler());
    try {
      const ok = await manager.create({ kind: 'ok', fn: () => 1 });
      const bad = await manager.create({ kind: 'bad', fn: () => Promise.reject(new NonRetryableError('x')) });
      const flaky = await manager.create({ kind: 'flaky', fn: (_i, ctx) => (ctx.attempt === 1 ? Promise.reject(new Error('t')) : 2) });
      const slow = await manager.create({ kind: 'slow', fn: (_i, ctx) => new Promise((r) => ctx.signal.addEventListener('abort', r)) });
      await Promise.all([ok.wait(), bad.wait(), flaky.wait()]);
      await slow.cancel();
      await manager.flush();
      const scrape = await server.scrape();
      const exposed = new Set(scrape.samples.map((s) => s.name));

      const all = queries(dashboard);
      expect(all.length).toBeGreaterThanOrEqual(20);
      const used = new Set<string>();
      for (const { where, expr } of all) {
        const names = metricNames(expr);
        expect(names.length, `${where}: ${expr}`).toBeGreaterThan(0);
        for (const name of names) {
          expect(exposed.has(name), `${where} queries ${name}, which the sink does not expose`).toBe(true);
          used.add(name.replace(/_(bucket|sum|count)$/, ''));
        }
      }
      // Built on exactly these names: nothing the sink exposes is left off the dashboard.
      for (const family of scrape.families.keys()) expect(used.has(family), `no panel shows ${family}`).toBe(true);
    } finally {
      await server.close();
      await manager.shutdown({ mode: 'abort', timeoutMs: 1000 });
    }
  });
});
