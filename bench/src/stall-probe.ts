import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Stalls {
  /** Longest time the event loop could not run a timer, beyond its period (ms): the probe's figure. */
  maxMs: number;
  p99Ms: number;
  /** The same from `perf_hooks.monitorEventLoopDelay` (10 ms resolution, period subtracted). */
  histogramMaxMs: number;
  histogramP99Ms: number;
}

const PERIOD_MS = 5;

/**
 * Measures event-loop stalls while `fn` runs, two ways: `monitorEventLoopDelay`, and a chain of
 * 5 ms timers recording how late each fires. On Node 20 the histogram misses a block that starts
 * in the I/O or check phase (a 300 ms busy loop after an `await` of a file read records ~11 ms),
 * so the timer chain's figure is the one to read; both are kept.
 */
export async function measureStalls<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number; stalls: Stalls }> {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const lates: number[] = [];
  let expected = performance.now() + PERIOD_MS;
  let timer: NodeJS.Timeout;
  const tick = () => {
    const now = performance.now();
    lates.push(Math.max(0, now - expected));
    expected = now + PERIOD_MS;
    timer = setTimeout(tick, PERIOD_MS);
  };
  timer = setTimeout(tick, PERIOD_MS);
  await sleep(20);
  histogram.reset();
  lates.length = 0;
  const start = performance.now();
  const value = await fn();
  const ms = performance.now() - start;
  // A stall at the very end is only seen once the timers run again.
  await sleep(30);
  clearTimeout(timer!);
  histogram.disable();
  const sorted = lates.sort((a, b) => a - b);
  const ns = (n: number) => Math.max(0, n / 1e6 - 10);
  return {
    value,
    ms,
    stalls: {
      maxMs: sorted[sorted.length - 1] ?? 0,
      p99Ms: sorted[Math.min(sorted.length - 1, Math.floor(0.99 * sorted.length))] ?? 0,
      histogramMaxMs: ns(histogram.max),
      histogramP99Ms: ns(histogram.percentile(99)),
    },
  };
}
