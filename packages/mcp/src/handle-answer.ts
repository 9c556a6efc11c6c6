import type { TaskSnapshot } from '@headway/core';
import type { CompanionNames } from './runtime.js';
import { toSummary } from './task-view.js';
import type { StatusMessageOf, ToolResult } from './task-view.js';

/** The answer of a call that continues in the background. */
export function handleAnswer(record: TaskSnapshot, names: CompanionNames, maxWaitMs: number, promotedAfterMs: number | undefined, statusMessageOf?: StatusMessageOf): ToolResult {
  const summary = toSummary(record, statusMessageOf);
  const waitSeconds = Math.floor(maxWaitMs / 1000);
  const lead =
    promotedAfterMs === undefined
      ? `Started task ${record.id} (${record.kind}) in the background.`
      : `Task ${record.id} (${record.kind}) is taking longer than ${Math.round(promotedAfterMs / 1000)} s, so it continues in the background.`;
  const text =
    `${lead} It is ${record.status}, ${Math.floor(summary.progress)}% done. ` +
    `To get the result, call ${names.wait} with {"taskId": "${record.id}"} (it waits up to ${waitSeconds} s per call; call it again if the task is still running). ` +
    `${names.status} shows progress without waiting; ${names.cancel} stops the task.`;
  return {
    content: [{ type: 'text', text }],
    structuredContent: {
      task: summary,
      ...(promotedAfterMs !== undefined && { promoted: true }),
      follow: { wait: names.wait, status: names.status, result: names.result, cancel: names.cancel, resource: summary.resourceUri },
    },
  };
}

