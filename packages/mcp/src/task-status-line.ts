// The one line about a task that has not ended, from its record and the latest progress facts seen
// in this process (phase, counts, ETA; see progress-memo.ts). On SDK v2 it is the tasks extension's
// `statusMessage` and the `statusMessage` of task_status and handle answers; an inline call's
// progress message is the same formatter over the same facts (v2-request-sink.ts).
import type { TaskManager, TaskSnapshot } from '@headway/core';
import { progressMemoOf } from './progress-memo.js';
import { statusLine } from './status-line.js';
import type { StatusLineFacts } from './status-line.js';
import type { StatusMessageOf } from './task-summary.js';

/** E.g. "Deleting subjects: 42/150 (28 %), about 1 min left", or "Queued (position 3)". */
export function taskStatusLine(record: TaskSnapshot, now: number, live?: StatusLineFacts): string {
  if (record.status === 'queued') return record.queuePosition !== undefined ? `Queued (position ${record.queuePosition})` : 'Queued';
  const etaMs = taskEtaMs(record, now, live);
  return statusLine({
    // What this process saw is the task's current message (none since a phase started); the record's may be older.
    ...(live === undefined && record.statusMessage !== undefined && { message: record.statusMessage }),
    ...live,
    percent: Math.max(record.progress, live?.percent ?? 0),
    ...(etaMs !== undefined && { etaMs }),
  });
}

/** Expected time to completion: the live estimate, else the average rate since the attempt started. */
export function taskEtaMs(record: TaskSnapshot, now: number, live?: StatusLineFacts): number | undefined {
  if (live?.etaMs !== undefined) return live.etaMs;
  if (record.startedAt === undefined || !(record.progress > 0) || record.progress >= 100) return undefined;
  const elapsed = now - record.startedAt;
  if (elapsed < 1_000) return undefined;
  return (elapsed / record.progress) * (100 - record.progress);
}

/**
 * The `statusMessage` of SDK v2's task_status and handle answers: the status line while the task
 * is queued or working (a question, or an end, keeps the record's own message).
 */
export function liveStatusMessageOf(manager: TaskManager): StatusMessageOf {
  const memo = progressMemoOf(manager);
  return (record) => {
    if (record.status !== 'queued' && record.status !== 'working') return undefined;
    const now = Date.now();
    return taskStatusLine(record, now, memo.facts(record.id, now));
  };
}
