// What the companion tools do (task_status, task_wait, task_result, task_cancel, task_list,
// task_respond), without any SDK: each binding registers them with its own schemas and calls these.
import { TaskNotFoundError, isTerminal } from '@headway/core';
import type { TaskManager, TaskSnapshot, TaskStatus } from '@headway/core';
import { toolError } from './errors.js';
import type { CompanionNames } from './runtime.js';
import { finalToolResult, toSummary, withRelatedTask } from './task-view.js';
import type { StatusMessageOf, ToolResult } from './task-view.js';

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

export function companionRuns(manager: TaskManager, names: CompanionNames, maxWaitMs: number, statusMessageOf?: StatusMessageOf): CompanionRuns {
  const waitSeconds = Math.floor(maxWaitMs / 1000);
  const find = async (owner: string, id: string): Promise<TaskSnapshot> => {
    const record = await manager.get(id, { owner });
    if (!record) throw new TaskNotFoundError(id);
    return record;
  };
  return {
    async status({ owner }, { taskId }) {
      return statusResult(await find(owner, taskId), '', names, statusMessageOf);
    },
    async wait({ owner }, { taskId, timeoutSeconds }, signal) {
      const timeoutMs = Math.min(maxWaitMs, (timeoutSeconds ?? waitSeconds) * 1000);
      const record = await manager.wait(taskId, { owner, timeoutMs, signal });
      if (isTerminal(record.status)) return withRelatedTask(finalToolResult(record), record.id);
      return statusResult(record, ` It is still running; call ${names.wait} again to keep waiting.`, names, statusMessageOf);
    },
    async result({ owner }, { taskId }) {
      const record = await find(owner, taskId);
      if (isTerminal(record.status)) return withRelatedTask(finalToolResult(record), record.id);
      return statusResult(record, ` It has not finished, so there is no result yet; call ${names.wait} to wait for it.`, names, statusMessageOf);
    },
    async cancel({ owner }, { taskId, reason }) {
      const before = await find(owner, taskId);
      if (isTerminal(before.status)) return statusResult(before, ' It had already finished, so nothing was cancelled.', names, statusMessageOf);
      return statusResult(await manager.cancel(taskId, { owner, reason: reason ?? `Cancelled by the client (${names.cancel})` }), '', names, statusMessageOf);
    },
    async list(caller, args, anonymousListing) {
      if (!caller.distinct && !anonymousListing) return toolError({ kind: 'listing-off' });
      const page = await manager.list({
        owner: caller.owner,
        limit: args.limit ?? 20,
        ...(args.status && { status: args.status }),
        ...(args.cursor !== undefined && { cursor: args.cursor }),
      });
      const tasks = page.tasks.map((record) => toSummary(record, statusMessageOf));
      const lines = tasks.map((t) => `- ${t.taskId} (${t.kind}): ${t.status}, ${Math.floor(t.progress)}%`);
      const text = tasks.length === 0 ? 'No tasks.' : `${tasks.length} task(s):\n${lines.join('\n')}${page.nextCursor ? `\nMore: pass cursor "${page.nextCursor}".` : ''}`;
      return { content: [{ type: 'text', text }], structuredContent: { tasks, ...(page.nextCursor && { nextCursor: page.nextCursor }) } };
    },
    async respond({ owner }, args) {
      await find(owner, args.taskId);
      await manager.respond(args.taskId, { requestId: args.requestId, action: args.action, ...(args.action === 'accept' && args.content !== undefined && { content: args.content }) }, { owner });
      return statusResult(await find(owner, args.taskId), ' Your answer was passed on.', names, statusMessageOf);
    },
  };
}

/** A task's status as a tool result; a waiting question is shown with how to answer it. */
export function statusResult(record: TaskSnapshot, note: string, names?: CompanionNames, statusMessageOf?: StatusMessageOf): ToolResult {
  const summary = toSummary(record, statusMessageOf);
  const detail = record.status === 'failed' || record.status === 'cancelled' ? `: ${record.error?.message ?? ''}` : summary.statusMessage ? ` (${summary.statusMessage})` : '';
  const question = record.status === 'input_required' ? record.inputRequest : undefined;
  const ask =
    question && names
      ? ` It waits for an answer to: ${JSON.stringify(question.message)}. Answer with ${names.respond} {"taskId": "${record.id}", "requestId": "${question.id}", "action": "accept", "content": {…}}${question.schema ? ` (content fields: ${JSON.stringify(question.schema)})` : ''}.`
      : '';
  const text = `Task ${record.id} (${record.kind}) is ${record.status}, ${Math.floor(summary.progress)}% done${detail}.${ask}${note}`;
  const structured: Record<string, unknown> = { task: summary };
  if (question) structured.question = { requestId: question.id, message: question.message, ...(question.schema && { schema: question.schema }) };
  return { content: [{ type: 'text', text }], structuredContent: structured };
}
