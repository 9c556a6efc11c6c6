// What the companion tools do (task_status, task_wait, task_result, task_cancel, task_list,
// task_respond), without any SDK: each binding registers them with its own schemas and calls these.
import { TaskNotFoundError, isTerminal } from '@headway/core';
import type { TaskManager, TaskSnapshot, TaskStatus } from '@headway/core';
import { toolError } from './errors.js';
import type { CompanionNames } from './companion-names.js';
import { toSummary } from './task-summary.js';
import type { SummaryView } from './task-summary.js';
import { finalToolResult, withRelatedTask } from './task-view.js';
import type { ToolResult } from './task-view.js';

/** Who calls a companion tool. */
export interface CompanionCaller {
  readonly owner: string;
  /** Listing is offered only where callers are told apart. */
  readonly distinct: boolean;
}

export interface CompanionRuns {
  status(caller: CompanionCaller, args: { taskId: string }): Promise<ToolResult>;
  wait(caller: CompanionCaller, args: { taskId: string; timeoutSeconds?: number | undefined }, signal: AbortSignal): Promise<ToolResult>;
  result(caller: CompanionCaller, args: { taskId: string }): Promise<ToolResult>;
  cancel(caller: CompanionCaller, args: { taskId: string; reason?: string | undefined }): Promise<ToolResult>;
  list(caller: CompanionCaller, args: { status?: TaskStatus[] | undefined; cursor?: string | undefined; limit?: number | undefined }, anonymousListing: boolean): Promise<ToolResult>;
  respond(caller: CompanionCaller, args: RespondArgs): Promise<ToolResult>;
}

export interface RespondArgs {
  taskId: string;
  requestId: string;
  action: 'accept' | 'decline' | 'cancel';
  content?: Record<string, unknown> | undefined;
}

/** What a companion tool tells the model: title, description, and its arguments' descriptions. */
export interface CompanionToolText {
  readonly title: string;
  readonly description: string;
  readonly fields: Readonly<Record<string, string>>;
}

export type CompanionToolTexts = Readonly<Record<keyof CompanionNames, CompanionToolText>>;

/** The companion tools' texts, the same on both SDK bindings (each writes its own schemas around them). */
export function companionToolTexts(names: CompanionNames, waitSeconds: number): CompanionToolTexts {
  const taskId = 'The task id returned when the task was started.';
  return {
    status: {
      title: 'Task status',
      description: `Check a background task without waiting: its status (queued, working, input_required, completed, failed, cancelled), progress in percent, latest message, and the question it waits on, if any. Use ${names.wait} instead if you want the result.`,
      fields: { taskId },
    },
    wait: {
      title: 'Wait for a task',
      description: `Wait for a background task to finish and return its result. Waits at most ${waitSeconds} seconds per call (or timeoutSeconds if smaller); if the task is still running then, it returns the current status and you can call ${names.wait} again.`,
      fields: { taskId, timeoutSeconds: `How long to wait, 1–${waitSeconds} seconds. Default ${waitSeconds}.` },
    },
    result: {
      title: 'Task result',
      description: `Get the result of a finished background task. If it has not finished yet, this says so at once; use ${names.wait} to wait for it.`,
      fields: { taskId },
    },
    cancel: {
      title: 'Cancel a task',
      description: 'Stop a background task that is queued or running. The task ends as cancelled and its work is aborted. A task that already finished is left as it is.',
      fields: { taskId, reason: 'Why, for the logs.' },
    },
    list: {
      title: 'List tasks',
      description: `List your own background tasks, newest last, optionally only those with given statuses. Returns ids and status; use ${names.status} or ${names.wait} on an id for more. Off where callers cannot be told apart (HTTP without authentication), unless the server allows it.`,
      fields: { status: 'Only tasks with these statuses.', cursor: 'nextCursor from the previous page.', limit: 'Page size, 1–100. Default 20.' },
    },
    respond: {
      title: 'Answer a task',
      description: `Answer the question a background task waits on (${names.status} shows it, with its requestId and the fields it asks for).`,
      fields: {
        taskId,
        requestId: 'The requestId of the question.',
        action: 'accept (with content), decline, or cancel.',
        // The values an elicitation result's content may hold (ElicitResult.content, 2025-11-25).
        content: 'The answered fields, with accept: each a string, number, boolean or list of strings.',
      },
    },
  };
}

export function companionRuns(manager: TaskManager, names: CompanionNames, maxWaitMs: number, view: SummaryView): CompanionRuns {
  const waitSeconds = Math.floor(maxWaitMs / 1000);
  const find = async (owner: string, id: string): Promise<TaskSnapshot> => {
    const record = await manager.get(id, { owner });
    if (!record) throw new TaskNotFoundError(id);
    return record;
  };
  return {
    async status({ owner }, { taskId }) {
      return statusResult(await find(owner, taskId), '', names, view);
    },
    async wait({ owner }, { taskId, timeoutSeconds }, signal) {
      const timeoutMs = Math.min(maxWaitMs, (timeoutSeconds ?? waitSeconds) * 1000);
      const record = await manager.wait(taskId, { owner, timeoutMs, signal });
      if (isTerminal(record.status)) return withRelatedTask(finalToolResult(record), record.id);
      return statusResult(record, ` It is still running; call ${names.wait} again to keep waiting.`, names, view);
    },
    async result({ owner }, { taskId }) {
      const record = await find(owner, taskId);
      if (isTerminal(record.status)) return withRelatedTask(finalToolResult(record), record.id);
      return statusResult(record, ` It has not finished, so there is no result yet; call ${names.wait} to wait for it.`, names, view);
    },
    async cancel({ owner }, { taskId, reason }) {
      const before = await find(owner, taskId);
      if (isTerminal(before.status)) return statusResult(before, ' It had already finished, so nothing was cancelled.', names, view);
      return statusResult(await manager.cancel(taskId, { owner, reason: reason ?? `Cancelled by the client (${names.cancel})` }), '', names, view);
    },
    async list(caller, args, anonymousListing) {
      if (!caller.distinct && !anonymousListing) return toolError({ kind: 'listing-off' });
      const page = await manager.list({
        owner: caller.owner,
        limit: args.limit ?? 20,
        ...(args.status && { status: args.status }),
        ...(args.cursor !== undefined && { cursor: args.cursor }),
      });
      const tasks = page.tasks.map((record) => toSummary(record, view));
      const lines = tasks.map((t) => `- ${t.taskId} (${t.kind}): ${t.status}, ${Math.floor(t.progress)}%`);
      const text = tasks.length === 0 ? 'No tasks.' : `${tasks.length} task(s):\n${lines.join('\n')}${page.nextCursor ? `\nMore: pass cursor "${page.nextCursor}".` : ''}`;
      return { content: [{ type: 'text', text }], structuredContent: { tasks, ...(page.nextCursor && { nextCursor: page.nextCursor }) } };
    },
    async respond({ owner }, args) {
      await find(owner, args.taskId);
      await manager.respond(args.taskId, { requestId: args.requestId, action: args.action, ...(args.action === 'accept' && args.content !== undefined && { content: args.content }) }, { owner });
      return statusResult(await find(owner, args.taskId), ' Your answer was passed on.', names, view);
    },
  };
}

/** A task's status as a tool result; a waiting question is shown with how to answer it. */
export function statusResult(record: TaskSnapshot, note: string, names: CompanionNames, view: SummaryView): ToolResult {
  const summary = toSummary(record, view);
  const detail = record.status === 'failed' || record.status === 'cancelled' ? `: ${record.error?.message ?? ''}` : summary.statusMessage ? ` (${summary.statusMessage})` : '';
  const question = record.status === 'input_required' ? record.inputRequest : undefined;
  const ask =
    question
      ? ` It waits for an answer to: ${JSON.stringify(question.message)}. Answer with ${names.respond} {"taskId": "${record.id}", "requestId": "${question.id}", "action": "accept", "content": {…}}${question.schema ? ` (content fields: ${JSON.stringify(question.schema)})` : ''}.`
      : '';
  const text = `Task ${record.id} (${record.kind}) is ${record.status}, ${Math.floor(summary.progress)}% done${detail}.${ask}${note}`;
  const structured: Record<string, unknown> = { task: summary };
  if (question) structured.question = { requestId: question.id, message: question.message, ...(question.schema && { schema: question.schema }) };
  return { content: [{ type: 'text', text }], structuredContent: structured };
}
