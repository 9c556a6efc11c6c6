import { Counter, Gauge } from 'prom-client';
import type { Metric } from 'prom-client';
import type { ChannelStats } from '@headway/core';
import { METRIC } from './metric-names.js';

/** Anything that can tell how its reporters are doing; `TaskManager` is one. */
export interface ReporterStatsSource {
  stats(): { readonly reporters: readonly ChannelStats[] };
}

type CountedStat = 'delivered' | 'coalesced' | 'dropped' | 'errors' | 'hung';

/**
 * The hub's delivery statistics (per reporter, by name) as metrics, read from the sources at
 * scrape time so the hot path pays nothing for them.
 */
export class ReporterHealth {
  private readonly sources: ReporterStatsSource[] = [];
  /** Its metrics, not registered: the reporter registers them with its own. */
  readonly metrics: Metric[] = [];

  constructor(prefix: string) {
    const counted: [string, CountedStat, string][] = [
      [METRIC.reporterDelivered, 'delivered', 'Task events handed to each reporter.'],
      [METRIC.reporterCoalesced, 'coalesced', 'Progress events a slow reporter never saw because a newer one replaced them.'],
      [METRIC.reporterDropped, 'dropped', 'Task events a reporter never got: past its queue limit (newer logs and the like, created events folded into their task end) or while it hung.'],
      [METRIC.reporterErrors, 'errors', 'Times a reporter threw or rejected.'],
      [METRIC.reporterHung, 'hung', 'Deliveries abandoned because a reporter did not answer in time.'],
    ];
    const read = () => this.read();
    for (const [name, stat, help] of counted) {
      this.metrics.push(new Counter({
        name: prefix + name,
        help,
        labelNames: ['reporter'],
        registers: [],
        collect() {
          this.reset();
          for (const [reporter, stats] of read()) this.inc({ reporter }, stats[stat]);
        },
      }));
    }
    this.metrics.push(new Gauge({
      name: prefix + METRIC.reporterQueued,
      help: 'Task events waiting to be delivered to each reporter.',
      labelNames: ['reporter'],
      registers: [],
      collect() {
        this.reset();
        for (const [reporter, stats] of read()) this.set({ reporter }, stats.queued);
      },
    }));
  }

  add(source: ReporterStatsSource): void {
    if (!this.sources.includes(source)) this.sources.push(source);
  }

  /** Stats summed by reporter name (two reporters of one name are one series). */
  private read(): Map<string, Record<CountedStat | 'queued', number>> {
    const totals = new Map<string, Record<CountedStat | 'queued', number>>();
    for (const source of this.sources) {
      let stats: readonly ChannelStats[];
      try {
        stats = source.stats().reporters;
      } catch {
        continue;
      }
      for (const s of stats) {
        const t = totals.get(s.reporter) ?? { delivered: 0, coalesced: 0, dropped: 0, errors: 0, hung: 0, queued: 0 };
        t.delivered += s.delivered;
        t.coalesced += s.coalesced;
        t.dropped += s.dropped;
        t.errors += s.errors;
        t.hung += s.hung;
        t.queued += s.queued;
        totals.set(s.reporter, t);
      }
    }
    return totals;
  }
}
