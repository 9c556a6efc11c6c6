import { performance } from 'node:perf_hooks';
import type { EventLoopUtilization } from 'node:perf_hooks';
import v8 from 'node:v8';
import type { ResourceUsage } from '../events.js';

// Reading RSS costs microseconds; one cached reading serves every task for this long.
const RSS_MAX_AGE_MS = 50;

/**
 * Per-attempt resource accounting on a shared thread. Figures are the thread's over the attempt;
 * `shared` says whether other attempts overlapped it (and so were counted too).
 */
export class ResourceMeter {
  private running = 0;
  private starts = 0;
  private rss = 0;
  private rssAt = -Infinity;

  begin(): AttemptMeter {
    this.running++;
    const meter: AttemptMeter = {
      startIndex: ++this.starts,
      othersAtStart: this.running - 1,
      cpu: process.cpuUsage(),
      elu: performance.eventLoopUtilization(),
      startedAt: performance.now(),
      peakRss: 0,
      peakHeap: 0,
    };
    return meter;
  }

  sample(meter: AttemptMeter): ResourceUsage {
    const cpu = process.cpuUsage(meter.cpu);
    const now = performance.now();
    if (now - this.rssAt > RSS_MAX_AGE_MS) {
      this.rss = process.memoryUsage.rss();
      this.rssAt = now;
    }
    const heap = v8.getHeapStatistics().used_heap_size;
    meter.peakRss = Math.max(meter.peakRss, this.rss);
    meter.peakHeap = Math.max(meter.peakHeap, heap);
    return {
      cpuUserMs: cpu.user / 1000,
      cpuSystemMs: cpu.system / 1000,
      rssBytes: this.rss,
      heapUsedBytes: heap,
      eventLoopUtilization: performance.eventLoopUtilization(meter.elu).utilization,
      wallMs: now - meter.startedAt,
      shared: meter.othersAtStart > 0 || this.starts > meter.startIndex,
    };
  }

  end(meter: AttemptMeter): ResourceUsage {
    const usage = this.sample(meter);
    this.running--;
    return usage;
  }
}

export interface AttemptMeter {
  readonly startIndex: number;
  readonly othersAtStart: number;
  readonly cpu: NodeJS.CpuUsage;
  readonly elu: EventLoopUtilization;
  readonly startedAt: number;
  peakRss: number;
  peakHeap: number;
}
