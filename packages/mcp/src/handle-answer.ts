import type { TaskSnapshot } from '@headway/core';
import type { CompanionNames } from './companion-names.js';
import { toSummary } from './task-summary.js';
import type { SummaryView } from './task-summary.js';
import type { ToolResult } from './task-view.js';

/**
 * Why a call answers with a handle: started in the background (default); promoted after its
 * inline budget; or stopped following before the task ended, because the manager is shutting
 * down (or the request was cancelled, an answer nobody reads).
 */
export type HandleCause = { promotedAfterMs: number } | { stopped: 'shutdown' | 'cancelled' };

export interface HandleAnswerOptions {
  names: CompanionNames;
  maxWaitMs: number;
  cause?: HandleCause | undefined;
  view: SummaryView;
}

/** The answer of a call whose task goes on (or is to go on) without it. */
export function handleAnswer(record: TaskSnapshot, options: HandleAnswerOptions): ToolResult {
  const { names, cause } = options;
  const summary = toSummary(record, options.view);
  const waitSeconds = Math.floor(options.maxWaitMs / 1000);
  const task = `task ${record.id} (${record.kind})`;
  const done = `${Math.floor(summary.progress)}% done`;
  const follow = `${names.status} shows progress without waiting; ${names.cancel} stops the task.`;
  let text: string;
  let failed = false;
  if (cause && 'stopped' in cause) {
    if (cause.stopped === 'cancelled') text = `Stopped following ${task}: the request was cancelled.`;
    else if (record.resumable) {
      text =
        `The server is shutting down, so ${task} stopped before it finished (${done}). It goes on from its last checkpoint once the server runs again; ` +
        `then call ${names.wait} with {"taskId": "${record.id}"} to get its result. ${follow}`;
    } else {
      failed = true;
      text = `The server is shutting down, so ${task} stopped before it finished (${done}). It is not resumable: it ends failed (interrupted) and has no result.`;
    }
  } else {
    const lead =
      cause === undefined
        ? `Started ${task} in the background.`
        : `${capitalized(task)} is taking longer than ${durationText(cause.promotedAfterMs)}, so it continues in the background.`;
    text =
      `${lead} It is ${record.status}, ${done}. ` +
      `To get the result, call ${names.wait} with {"taskId": "${record.id}"} (it waits up to ${waitSeconds} s per call; call it again if the task is still running). ${follow}`;
  }
  return {
    content: [{ type: 'text', text }],
    structuredContent: {
      task: summary,
      ...(cause && 'promotedAfterMs' in cause && { promoted: true }),
      ...(cause && 'stopped' in cause && { stopped: cause.stopped }),
      follow: {
        wait: names.wait,
        status: names.status,
        result: names.result,
        cancel: names.cancel,
        ...(summary.resourceUri !== undefined && { resource: summary.resourceUri }),
      },
    },
    ...(failed && { isError: true }),
  };
}

/** A budget for a person: "250 ms" below a second, "1.5 s" below ten, whole seconds above. */
export function durationText(ms: number): string {
  if (Math.round(ms) < 1_000) return `${Math.max(0, Math.round(ms))} ms`;
  const seconds = ms / 1_000;
  // 9.96 s rounds to "10 s" either way.
  return seconds < 10 ? `${Math.round(seconds * 10) / 10} s` : `${Math.round(seconds)} s`;
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
