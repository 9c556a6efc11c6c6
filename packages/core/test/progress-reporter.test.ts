import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProgressReporter } from '../src/compat.js';
import { InvalidArgumentError } from '../src/index.js';
import { resolveProgressOptions } from '../src/spi.js';
import { progressSink, sleep } from './helpers.js';

const unthrottled = resolveProgressOptions({ minIntervalMs: 0 });

function isNonDecreasing(values: number[]): boolean {
  return values.every((v, i) => i === 0 || v >= values[i - 1]!);
}

describe('ProgressReporter', () => {
  it("turns the seed's pattern (0 → 10, items to 90, 90 → 100) into a smooth, never-decreasing sequence", async () => {
    const sink = progressSink();
    const reporter = new ProgressReporter(sink.emit, unthrottled);
    reporter.update(0, 'Fetching subjects from context');
    reporter.update(10, 'Found 40 subjects');
    {
      await using phase = reporter.phase('Deleting subjects', { total: 40, to: 90 });
      for (let i = 0; i < 40; i++) phase.updateItem(i);
    }
    reporter.update(90, 'Deleting context');
    reporter.update(100, 'Operation completed');
    const values = sink.values();
    expect(isNonDecreasing(values)).toBe(true);
    expect(values[0]).toBe(10);
    expect(values.at(-1)).toBe(100);
    // Smooth: 40 items over 80 points, 2 points per item, every step at most one item's worth.
    const steps = values.slice(1).map((v, i) => v - values[i]!);
    expect(Math.max(...steps)).toBeLessThanOrEqual(10);
    expect(values).toContain(90);
    const phases = sink.bodies.filter((b) => b.type === 'phase');
    expect(phases.map((p) => (p as { state: string }).state)).toEqual(['started', 'ended']);
  });

  it('a phase opened again with `from` after a restart puts its items where they were, not ahead of them', async () => {
    const sink = progressSink();
    const reporter = new ProgressReporter(sink.emit, unthrottled);
    // Before the restart: 10 → items of 200 from 10 to 90; the 118th item reached 57.2 %.
    reporter.update(57.2, 'restored');
    const phase = reporter.phase('Deleting subjects', { total: 200, from: 10, to: 90 });
    phase.updateItem(116); // 10 + 117 × 0.4 = 56.8: below what was reached, ignored
    phase.updateItem(120); // 10 + 121 × 0.4 = 58.4
    phase.updateItem(199);
    phase.end();
    const values = sink.values();
    expect(values[0]).toBeCloseTo(57.2, 6);
    expect(values.slice(1)).toEqual([expect.closeTo(58.4, 6), 90]);
    // Without `from`, the same items would land 40 % of the way from 57.2 to 90: ahead of the counts.
    const ahead = progressSink();
    const unanchored = new ProgressReporter(ahead.emit, unthrottled);
    unanchored.update(57.2);
    unanchored.phase('Deleting subjects', { total: 200, to: 90 }).updateItem(118);
    expect(ahead.values().at(-1)).toBeCloseTo(57.2 + 119 * ((90 - 57.2) / 200), 6);
  });

  it('maps nested phases into their slot and keeps the overall value monotonic', async () => {
    const sink = progressSink();
    const reporter = new ProgressReporter(sink.emit, unthrottled);
    await reporter.phase('outer', { to: 50 }, async (outer) => {
      outer.update(50); // halfway through outer = 25 overall
      expect(reporter.value).toBeCloseTo(25);
      await outer.phase('inner', { total: 4 }, (inner) => {
        inner.updateItem(1); // 2 of 4 items of the inner slot 25..50
        expect(reporter.value).toBeCloseTo(37.5);
        inner.updateItem(0); // going back is ignored
        expect(reporter.value).toBeCloseTo(37.5);
      });
      expect(reporter.value).toBeCloseTo(50);
    });
    const innerEvents = sink.bodies.filter((b) => b.type === 'phase' && b.name === 'inner');
    expect(innerEvents[0]).toMatchObject({ path: ['outer', 'inner'], from: 25, to: 50, total: 4 });
    expect(isNonDecreasing(sink.values())).toBe(true);
  });

  it('spreads a declared plan of weighted phases over what remains', () => {
    const reporter = new ProgressReporter(() => {}, unthrottled);
    reporter.update(10);
    reporter.plan([
      { name: 'fetch', weight: 1 },
      { name: 'delete', weight: 7 },
      { name: 'cleanup', weight: 1 },
    ]);
    const fetch = reporter.phase('fetch');
    expect([fetch.from, fetch.to]).toEqual([10, 20]);
    fetch.end();
    const del = reporter.phase('delete', { total: 7 });
    expect([del.from, del.to]).toEqual([20, 90]);
    del.advance(7);
    del.end();
    const weighted = reporter.phase('cleanup', { weight: 5 });
    expect([weighted.from, weighted.to]).toEqual([90, 95]);
  });

  it('always delivers milestones, even when the interval throttles everything else', () => {
    const sink = progressSink();
    const reporter = new ProgressReporter(sink.emit, resolveProgressOptions({ minIntervalMs: 60_000 }));
    const phase = reporter.phase('items', { total: 1000 });
    for (let i = 0; i < 1000; i++) phase.updateItem(i);
    const milestones = sink.bodies.filter((b) => b.type === 'milestone').map((b) => (b as { milestone: number }).milestone);
    expect(milestones).toEqual([25, 50, 75]);
    reporter.close();
  });

  it('delivers the latest value after the interval when updates stop early', async () => {
    const sink = progressSink();
    const reporter = new ProgressReporter(sink.emit, resolveProgressOptions({ minIntervalMs: 30 }));
    reporter.update(5);
    reporter.update(6);
    reporter.update(7, 'almost');
    await sleep(80);
    expect(sink.values().at(-1)).toBe(7);
    expect(sink.bodies.at(-1)).toMatchObject({ message: 'almost' });
    reporter.close();
  });

  it('carries rate and ETA on progress events', async () => {
    const sink = progressSink();
    const reporter = new ProgressReporter(sink.emit, unthrottled);
    await sleep(20);
    reporter.update(50);
    const event = sink.bodies.find((b) => b.type === 'progress') as { rate?: number; etaMs?: number };
    expect(event.rate).toBeGreaterThan(0);
    expect(event.etaMs).toBeGreaterThan(0);
  });

  it.each([
    ['update', (r: ProgressReporter) => r.update(Number.NaN), 'percent'],
    ['update', (r: ProgressReporter) => r.update(Infinity), 'percent'],
    ['update', (r: ProgressReporter) => r.update(-1), 'percent'],
    ['update', (r: ProgressReporter) => r.update(101), 'percent'],
    ['phase total 0', (r: ProgressReporter) => r.phase('p', { total: 0 }), 'total'],
    ['phase total negative', (r: ProgressReporter) => r.phase('p', { total: -3 }), 'total'],
    ['phase to and weight', (r: ProgressReporter) => r.phase('p', { to: 50, weight: 10 }), 'phase options'],
    ['phase from above to', (r: ProgressReporter) => r.phase('p', { from: 60, to: 50 }), 'phase options'],
    ['phase from NaN', (r: ProgressReporter) => r.phase('p', { from: Number.NaN }), 'from'],
    ['phase name', (r: ProgressReporter) => r.phase(''), 'phase name'],
    ['updateItem out of range', (r: ProgressReporter) => r.phase('p', { total: 3 }).updateItem(3), 'index'],
    ['updateItem NaN', (r: ProgressReporter) => r.phase('p', { total: 3 }).updateItem(Number.NaN), 'index'],
    ['advance negative', (r: ProgressReporter) => r.phase('p', { total: 3 }).advance(-1), 'count'],
    ['updateItem without total', (r: ProgressReporter) => r.phase('p').updateItem(0), 'updateItem() on phase "p"'],
    ['plan empty', (r: ProgressReporter) => r.plan([]), 'phases'],
  ])('rejects bad input: %s', (_name, call, argument) => {
    const reporter = new ProgressReporter(() => {}, unthrottled);
    let error: unknown;
    try {
      call(reporter);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).argument).toBe(argument);
    expect((error as Error).message).toMatch(/^Invalid /);
  });

  it('rejects invalid throttle options with the option named', () => {
    expect(() => resolveProgressOptions({ minPercentDelta: 0 })).toThrow(/minPercentDelta: 0/);
    expect(() => resolveProgressOptions({ minIntervalMs: -5 })).toThrow(/minIntervalMs: -5/);
    expect(() => resolveProgressOptions({ milestones: [25, 150] })).toThrow(/milestones\[1\]: 150/);
  });
});

// Arbitrary sequences of operations on a reporter with an open phase.
const operation = fc.oneof(
  fc.record({ op: fc.constant('update' as const), value: fc.double({ min: 0, max: 100, noNaN: true }) }),
  fc.record({ op: fc.constant('item' as const), value: fc.integer({ min: 0, max: 199 }) }),
  fc.record({ op: fc.constant('advance' as const), value: fc.integer({ min: 0, max: 20 }) }),
  fc.record({ op: fc.constant('phase' as const), value: fc.integer({ min: 1, max: 50 }) }),
);

describe('ProgressReporter properties', () => {
  it('emitted progress never decreases and stays within 0..100, whatever the updates', () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 300 }), fc.double({ min: 0.1, max: 10, noNaN: true }), (ops, delta) => {
        const sink = progressSink();
        const reporter = new ProgressReporter(sink.emit, resolveProgressOptions({ minIntervalMs: 0, minPercentDelta: delta }));
        let phase = reporter.phase('p', { total: 200, to: 80 });
        for (const { op, value } of ops) {
          if (op === 'update') phase.update(value);
          else if (op === 'item') phase.updateItem(value);
          else if (op === 'advance') phase.advance(value);
          else {
            phase.end();
            phase = reporter.phase(`p${value}`, { total: 200, weight: value });
          }
        }
        phase.end();
        reporter.complete();
        const values = sink.values();
        expect(isNonDecreasing(values)).toBe(true);
        expect(values.every((v) => v >= 0 && v <= 100)).toBe(true);
        expect(values.at(-1)).toBe(100);
      }),
      { numRuns: 300 },
    );
  });

  it('throttling bounds the number of progress events by the percent delta, plus milestones and phase ends', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 9_999 }), { minLength: 1, maxLength: 2_000 }),
        fc.integer({ min: 1, max: 10 }),
        (indices, delta) => {
          const sink = progressSink();
          const reporter = new ProgressReporter(sink.emit, resolveProgressOptions({ minIntervalMs: 0, minPercentDelta: delta }));
          const phase = reporter.phase('items', { total: 10_000 });
          for (const i of indices) phase.updateItem(i);
          const progressEvents = sink.values().length;
          // One per `delta` points, at most one extra per milestone (3), one for the final value.
          expect(progressEvents).toBeLessThanOrEqual(Math.ceil(100 / delta) + 3 + 1);
          const values = sink.values();
          for (let k = 1; k < values.length; k++) {
            const grew = values[k]! - values[k - 1]!;
            const milestoneBetween = [25, 50, 75].some((m) => values[k - 1]! < m && values[k]! >= m);
            expect(grew >= delta - 1e-9 || milestoneBetween || values[k] === 100).toBe(true);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('with a time interval, no two non-milestone events are closer than the interval', async () => {
    const sink = progressSink();
    const times: number[] = [];
    const reporter = new ProgressReporter((b) => {
      if (b.type === 'progress') times.push(performance.now());
      sink.emit(b);
    }, resolveProgressOptions({ minIntervalMs: 20, milestones: [] }));
    const phase = reporter.phase('items', { total: 5_000 });
    for (let i = 0; i < 5_000; i++) {
      phase.updateItem(i);
      if (i % 500 === 0) await sleep(3);
    }
    await sleep(40);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(gaps.length).toBeGreaterThan(0);
    // Node timers may fire up to a millisecond early against performance.now().
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(18);
    reporter.close();
  });
});
