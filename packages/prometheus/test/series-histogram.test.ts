import { describe, expect, it } from 'vitest';
import { Histogram, Registry } from 'prom-client';
import { SeriesHistogram } from '../src/series-histogram.js';
import { parseExposition } from './prom-text.js';

const OBSERVED = [0.05, 0.1, 0.1000001, 0.3, 1, 7, 0];

describe('SeriesHistogram', () => {
  it('exports exactly what a prom-client Histogram exports for the same observations', async () => {
    const ours = new Registry();
    const theirs = new Registry();
    const config = { name: 'h_seconds', help: 'h.', labelNames: ['kind'] as const, buckets: [0.1, 0.5, 1, 5] };
    const series = new SeriesHistogram({ ...config, labelNames: [...config.labelNames], registers: [ours] });
    const reference = new Histogram({ ...config, labelNames: [...config.labelNames], registers: [theirs] });
    const a = series.series({ kind: 'a' });
    series.series({ kind: 'never' });
    reference.zero({ kind: 'a' });
    reference.zero({ kind: 'never' });
    for (const value of OBSERVED) {
      a.observe(value);
      reference.observe({ kind: 'a' }, value);
    }
    expect(await ours.metrics()).toBe(await theirs.metrics());
    expect(await ours.getMetricsAsJSON()).toEqual(await theirs.getMetricsAsJSON());

    const scrape = parseExposition(await ours.metrics());
    // A value equal to a bound is counted in that bound's bucket (le means "less than or equal").
    expect(scrape.value('h_seconds_bucket', { kind: 'a', le: '0.1' })).toBe(3);
    expect(scrape.value('h_seconds_bucket', { kind: 'a', le: '+Inf' })).toBe(OBSERVED.length);
    expect(scrape.value('h_seconds_sum', { kind: 'a' })).toBeCloseTo(OBSERVED.reduce((x, y) => x + y, 0), 9);

    await ours.resetMetrics();
    expect(parseExposition(await ours.metrics()).value('h_seconds_count', { kind: 'a' })).toBe(0);
    for (const misuse of [() => series.observe(1), () => series.labels(), () => series.zero(), () => series.startTimer()]) {
      expect(misuse).toThrow(/series\(labels\)\.observe/);
    }
    expect(() => a.observe(Number.NaN)).toThrow(/not a valid number/);
    expect(parseExposition(await ours.metrics()).value('h_seconds_count', { kind: 'a' })).toBe(0);
  });
});
