// Expected time to completion from a task's progress (0–100) over time: the rate over a recent
// window, measured up to now, so a task that stalls sees its ETA grow instead of freeze.

interface Sample {
  percent: number;
  at: number;
}

export interface EtaOptions {
  /** Samples older than this (behind the newest) are forgotten. Default 30 s. */
  windowMs?: number;
  /** No estimate until the window spans this long. Default 1 s. */
  minSpanMs?: number;
}

export class EtaEstimator {
  private readonly samples: Sample[] = [];
  private readonly windowMs: number;
  private readonly minSpanMs: number;

  constructor(options: EtaOptions = {}) {
    this.windowMs = options.windowMs ?? 30_000;
    this.minSpanMs = options.minSpanMs ?? 1_000;
  }

  /** Records progress at a time (epoch ms). Going backwards restarts the estimate. */
  observe(percent: number, at: number): void {
    if (!Number.isFinite(percent) || !Number.isFinite(at)) return;
    const last = this.samples.at(-1);
    if (last && (percent < last.percent || at < last.at)) this.samples.length = 0;
    this.samples.push({ percent: Math.min(100, Math.max(0, percent)), at });
    while (this.samples.length > 2 && at - this.samples[1]!.at >= this.windowMs) this.samples.shift();
  }

  /** Milliseconds left at `now`, or undefined while there is too little to go on. */
  etaMs(now: number): number | undefined {
    const first = this.samples[0];
    const last = this.samples.at(-1);
    if (!first || !last || last === first) return undefined;
    if (last.percent >= 100) return 0;
    const span = now - first.at;
    const gained = last.percent - first.percent;
    if (span < this.minSpanMs || !(gained > 0)) return undefined;
    return ((100 - last.percent) * span) / gained;
  }
}
