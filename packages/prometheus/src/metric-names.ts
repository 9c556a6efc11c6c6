/** Metric names without the prefix (default `headway_`); units and `_total` per Prometheus conventions. */
export const METRIC = {
  tasksCreated: 'tasks_created_total',
  tasksFinished: 'tasks_finished_total',
  taskRetries: 'task_retries_total',
  taskDuration: 'task_duration_seconds',
  taskQueueWait: 'task_queue_wait_seconds',
  tasksActive: 'tasks_active',
  taskCpu: 'task_cpu_seconds_total',
  taskPeakMemory: 'task_peak_memory_bytes',
  reporterDelivered: 'reporter_events_delivered_total',
  reporterCoalesced: 'reporter_events_coalesced_total',
  reporterDropped: 'reporter_events_dropped_total',
  reporterErrors: 'reporter_errors_total',
  reporterHung: 'reporter_hung_total',
  reporterQueued: 'reporter_queue_depth',
} as const;

export const DEFAULT_PREFIX = 'headway_';

/** Seconds; from sub-second jobs to hour-long batches. */
export const DEFAULT_DURATION_BUCKETS: readonly number[] = [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 900, 1800, 3600];
/** Seconds. */
export const DEFAULT_QUEUE_WAIT_BUCKETS: readonly number[] = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300];

/** Label value used for kinds beyond `maxKinds`, so a runaway kind name cannot grow the series count. */
export const OTHER_KIND = 'other';
