// The one line about a task that has not ended, from its record and the latest progress facts seen
// in this process (phase, counts, ETA; see progress-memo.ts). It is the `statusMessage` of
// `tasks/get` and `tasks/list` (both wire generations, both SDKs) and of task_status and handle
// answers; an inline call's progress message is the same formatter over the same facts
// (v2-request-sink.ts).
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

/** A task's status on either MCP wire: `queued` is `working` there. */
export type WireTaskStatus = 'working' | 'input_required' | 'completed' | 'failed' | 'cancelled';

/**
 * A task's `statusMessage` in `tasks/get` and `tasks/list`: the status line while it works, the
 * question while it waits for input, why it ended when it failed or was cancelled. `status` is its
 * status on that wire (the extension shows a tool result with `isError` as `completed`).
 */
export function taskStatusMessage(record: TaskSnapshot, status: WireTaskStatus, now: number, live?: StatusLineFacts): string | undefined {
  switch (status) {
    case 'working':
      return taskStatusLine(record, now, live);
    case 'input_required':
      return record.inputRequest?.message ?? record.statusMessage;
    case 'failed':
    case 'cancelled':
      return record.error?.message;
    default:
      return undefined;
  }
}

/**
 * The `statusMessage` of task_status and handle answers (both SDKs): the status line while the task
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
