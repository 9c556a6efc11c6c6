import { join } from 'node:path';
import { TaskManager } from '@headway/core';
import type { Reporter } from '@headway/core';
import { FileEventLog, FileTaskStore } from '@headway/file-store';

export interface DurableManagerOptions {
  /** The task store goes to `<dataDir>/tasks`, the event log to `<dataDir>/events`. */
  dataDir: string;
  /** Sinks next to the event log (dashboard, OpenTelemetry, Prometheus). */
  reporters?: Reporter[];
  /** Unfinished tasks per owner. Default 100. */
  maxActivePerOwner?: number;
}

/** An example's one TaskManager on Headway's embedded durable defaults: a file store and a file event log. */
export async function durableManager(options: DurableManagerOptions): Promise<TaskManager> {
  return new TaskManager({
    store: new FileTaskStore(join(options.dataDir, 'tasks')),
    reporters: [await FileEventLog.open(join(options.dataDir, 'events')), ...(options.reporters ?? [])],
    maxActivePerOwner: options.maxActivePerOwner ?? 100,
    progress: { heartbeatMs: 5_000 },
  });
}
