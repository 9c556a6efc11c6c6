import { performance } from 'node:perf_hooks';
import type { EventLoopUtilization } from 'node:perf_hooks';
import v8 from 'node:v8';
import type { ResourceUsage } from '../events.js';

// Reading RSS or CPU time is a system call; one cached reading serves every task for this long.
const RSS_MAX_AGE_MS = 50;
const CPU_MAX_AGE_MS = 1;

/**
 * Per-attempt resource accounting on a shared thread. Figures are the thread's over the attempt;
 * `shared` says whether other attempts overlapped it (and so were counted too).
 */
export class ResourceMeter {
  private running = 0;
  private starts = 0;
  private rss = 0;
  private heap = 0;
  private rssAt = -Infinity;
  private cpu: NodeJS.CpuUsage = { user: 0, system: 0 };
  private cpuAt = -Infinity;

  begin(): AttemptMeter {
    this.running++;
    const startedAt = performance.now();
    const meter: AttemptMeter = {
      startIndex: ++this.starts,
      othersAtStart: this.running - 1,
      cpu: this.cpuNow(startedAt),
      elu: performance.eventLoopUtilization(),
      startedAt,
      peakRss: 0,
      peakHeap: 0,
    };
    return meter;
  }

  /** CPU time of the process, at most CPU_MAX_AGE_MS old (so sub-millisecond tasks read ~0). */
  private cpuNow(now: number): NodeJS.CpuUsage {
    if (now - this.cpuAt > CPU_MAX_AGE_MS) {
      this.cpu = process.cpuUsage();
      this.cpuAt = now;
    }
    return this.cpu;
  }

  sample(meter: AttemptMeter): ResourceUsage {
    const now = performance.now();
    const current = this.cpuNow(now);
    const cpu = { user: current.user - meter.cpu.user, system: current.system - meter.cpu.system };
    if (now - this.rssAt > RSS_MAX_AGE_MS) {
      this.rss = process.memoryUsage.rss();
      this.heap = v8.getHeapStatistics().used_heap_size;
      this.rssAt = now;
    }
    const heap = this.heap;
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
