import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { EventLoopUtilization } from 'node:perf_hooks';
import v8 from 'node:v8';
import type { ResourceUsage } from '../events.js';

// Linux reports per-thread CPU in clock ticks (USER_HZ, 100 on every mainstream kernel).
const TICK_MS = 10;

/** CPU time of the calling thread in ms, or undefined where /proc/thread-self is missing. */
function threadCpuMs(): { user: number; system: number } | undefined {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { user: Number(fields[11]) * TICK_MS, system: Number(fields[12]) * TICK_MS };
  } catch {
    return undefined;
  }
}

/** Resource usage of the thread it runs in: exact for a task that has the thread to itself. */
export class ThreadUsageMeter {
  private readonly cpu = threadCpuMs();
  private readonly processCpu = process.cpuUsage();
  private readonly elu: EventLoopUtilization = performance.eventLoopUtilization();
  private readonly startedAt = performance.now();

  sample(): ResourceUsage {
    const now = threadCpuMs();
    const cpu =
      now && this.cpu
        ? { user: now.user - this.cpu.user, system: now.system - this.cpu.system }
        : (({ user, system }) => ({ user: user / 1000, system: system / 1000 }))(process.cpuUsage(this.processCpu));
    return {
      cpuUserMs: cpu.user,
      cpuSystemMs: cpu.system,
      // RSS is per process, not per thread; heap and event loop are the worker's own.
      rssBytes: process.memoryUsage.rss(),
      heapUsedBytes: v8.getHeapStatistics().used_heap_size,
      eventLoopUtilization: performance.eventLoopUtilization(this.elu).utilization,
      wallMs: performance.now() - this.startedAt,
      shared: false,
    };
  }
}
