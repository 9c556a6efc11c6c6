import type { TerminalEvent } from '../events.js';
import type { TaskRecord } from '../task-record.js';

/** The terminal event of a finished task, rebuilt from its record (for reporters that attached too late to see it). */
export function terminalEventOf(record: TaskRecord): TerminalEvent {
  const base = { taskId: record.id, owner: record.owner, kind: record.kind, at: record.finishedAt ?? Date.now(), attempt: record.attempt };
  const durationMs = (record.finishedAt ?? Date.now()) - (record.startedAt ?? record.createdAt);
  switch (record.status) {
    case 'completed':
      return { ...base, type: 'completed', result: record.result, durationMs };
    case 'cancelled':
      return { ...base, type: 'cancelled', reason: record.error?.message ?? 'Cancelled', durationMs, progress: record.progress };
    default:
      return { ...base, type: 'failed', error: record.error ?? { name: 'Error', message: 'Failed' }, durationMs, progress: record.progress };
  }
}
