import { performance } from 'node:perf_hooks';
import type { EventLoopUtilization } from 'node:perf_hooks';
import v8 from 'node:v8';
import type { ResourcesEvent, TaskEventBody } from '../events.js';

// Reading RSS or CPU time is a system call. RSS is a level, so one reading serves every task for
// 50 ms. CPU time is a difference between an attempt's first and last reading, so those are fresh
// (shared only by attempts starting or ending in the same millisecond); the samples taken while
// it runs, which only show how it is going, reuse a reading up to 50 ms old.
const RSS_MAX_AGE_MS = 50;
const CPU_EDGE_MAX_AGE_MS = 1;
const CPU_RUNNING_MAX_AGE_MS = 50;

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
  private elu: EventLoopUtilization = performance.eventLoopUtilization();
  private eluAt = -Infinity;

  begin(): AttemptMeter {
    this.running++;
    const startedAt = performance.now();
    const meter: AttemptMeter = {
      startIndex: ++this.starts,
      othersAtStart: this.running - 1,
      cpu: this.cpuNow(startedAt, CPU_EDGE_MAX_AGE_MS),
      elu: this.eluNow(startedAt),
      startedAt,
      peakRss: 0,
      peakHeap: 0,
    };
    return meter;
  }

  /** Event-loop utilisation counters, shared like the CPU reading at an attempt's edges (at most 1 ms old). */
  private eluNow(now: number): EventLoopUtilization {
    if (now - this.eluAt > CPU_EDGE_MAX_AGE_MS) {
      this.elu = performance.eventLoopUtilization();
      this.eluAt = now;
    }
    return this.elu;
  }

  /** CPU time of the process, at most `maxAgeMs` old. */
  private cpuNow(now: number, maxAgeMs: number): NodeJS.CpuUsage {
    if (now - this.cpuAt > maxAgeMs) {
      this.cpu = process.cpuUsage();
      this.cpuAt = now;
    }
    return this.cpu;
  }

  /** The attempt's usage so far, as the body of a `resources` event. */
  sample(meter: AttemptMeter, sample: ResourcesEvent['sample']): TaskEventBody<ResourcesEvent> {
    const now = performance.now();
    const current = this.cpuNow(now, sample === 'running' ? CPU_RUNNING_MAX_AGE_MS : CPU_EDGE_MAX_AGE_MS);
    const cpu = { user: current.user - meter.cpu.user, system: current.system - meter.cpu.system };
    if (now - this.rssAt > RSS_MAX_AGE_MS) {
      this.rss = process.memoryUsage.rss();
      this.heap = v8.getHeapStatistics().used_heap_size;
      this.rssAt = now;
    }
    const heap = this.heap;
    meter.peakRss = Math.max(meter.peakRss, this.rss);
    meter.peakHeap = Math.max(meter.peakHeap, heap);
    const elu = this.eluNow(now);
    return {
      type: 'resources',
      sample,
      cpuUserMs: cpu.user / 1000,
      cpuSystemMs: cpu.system / 1000,
      rssBytes: this.rss,
      heapUsedBytes: heap,
      eventLoopUtilization: elu === meter.elu ? 0 : performance.eventLoopUtilization(elu, meter.elu).utilization,
      wallMs: now - meter.startedAt,
      shared: meter.othersAtStart > 0 || this.starts > meter.startIndex,
    };
  }

  end(meter: AttemptMeter): TaskEventBody<ResourcesEvent> {
    const usage = this.sample(meter, 'end');
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
