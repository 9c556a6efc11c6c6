import { HeadwayError, TASK_STATUSES, TaskNotFoundError, isTerminal } from '@headway/core';
import type { TaskSnapshot as TaskRecord } from '@headway/core';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { LISTING_OFF } from './runtime.js';
import type { Runtime } from './runtime.js';
import { finalToolResult, toSummary, withRelatedTask } from './task-view.js';

const taskId = z.string().min(1).max(256).describe('The task id returned when the task was started.');

/** Registers task_status, task_wait, task_result, task_cancel and task_list (with the prefix). */
export function registerCompanionTools(rt: Runtime): void {
  const { server, options, names } = rt;
  const { manager } = options;
  const waitSeconds = Math.floor(options.maxWaitMs / 1000);

  server.registerTool(
    names.status,
    {
      title: 'Task status',
      description: `Check a background task without waiting: its status (queued, working, input_required, completed, failed, cancelled), progress in percent and latest message. Use ${names.wait} instead if you want the result.`,
      inputSchema: { taskId },
      annotations: { readOnlyHint: true },
    },
    async (args, extra) => guard(async () => statusResult(await find(rt, args.taskId, extra))),
  );

  server.registerTool(
    names.wait,
    {
      title: 'Wait for a task',
      description: `Wait for a background task to finish and return its result. Waits at most ${waitSeconds} seconds per call (or timeoutSeconds if smaller); if the task is still running then, it returns the current status and you can call ${names.wait} again.`,
      inputSchema: {
        taskId,
        timeoutSeconds: z.number().positive().max(waitSeconds).optional().describe(`How long to wait, 1–${waitSeconds} seconds. Default ${waitSeconds}.`),
      },
      annotations: { readOnlyHint: true },
    },
    async (args, extra) =>
      guard(async () => {
        const owner = rt.owners.of(extra).owner;
        const timeoutMs = Math.min(options.maxWaitMs, (args.timeoutSeconds ?? waitSeconds) * 1000);
        const record = await manager.wait(args.taskId, { owner, timeoutMs, signal: extra.signal });
        if (isTerminal(record.status)) return withRelatedTask(finalToolResult(record), record.id);
        return statusResult(record, ` It is still running; call ${names.wait} again to keep waiting.`);
      }),
  );

  server.registerTool(
    names.result,
    {
      title: 'Task result',
      description: `Get the result of a finished background task. If it has not finished yet, this says so at once; use ${names.wait} to wait for it.`,
      inputSchema: { taskId },
      annotations: { readOnlyHint: true },
    },
    async (args, extra) =>
      guard(async () => {
        const record = await find(rt, args.taskId, extra);
        if (isTerminal(record.status)) return withRelatedTask(finalToolResult(record), record.id);
        return statusResult(record, ` It has not finished, so there is no result yet; call ${names.wait} to wait for it.`);
      }),
  );

  server.registerTool(
    names.cancel,
    {
      title: 'Cancel a task',
      description: 'Stop a background task that is queued or running. The task ends as cancelled and its work is aborted. A task that already finished is left as it is.',
      inputSchema: { taskId, reason: z.string().max(1024).optional().describe('Why, for the logs.') },
      annotations: { destructiveHint: true, idempotentHint: true },
    },
    async (args, extra) =>
      guard(async () => {
        const owner = rt.owners.of(extra).owner;
        const before = await find(rt, args.taskId, extra);
        if (isTerminal(before.status)) return statusResult(before, ' It had already finished, so nothing was cancelled.');
        const after = await manager.cancel(args.taskId, { owner, reason: args.reason ?? `Cancelled by the client (${names.cancel})` });
        return statusResult(after);
      }),
  );

  server.registerTool(
    names.list,
    {
      title: 'List tasks',
      description: `List your own background tasks, newest last, optionally only those with given statuses. Returns ids and status; use ${names.status} or ${names.wait} on an id for more.`,
      inputSchema: {
        status: z.array(z.enum(TASK_STATUSES)).optional().describe('Only tasks with these statuses.'),
        cursor: z.string().max(1024).optional().describe('nextCursor from the previous page.'),
        limit: z.number().int().min(1).max(100).optional().describe('Page size, 1–100. Default 20.'),
      },
      annotations: { readOnlyHint: true },
    },
    async (args, extra) =>
      guard(async () => {
        const caller = rt.owners.of(extra);
        if (!caller.distinct && !options.anonymousListing) return errorResult(LISTING_OFF);
        const page = await manager.list({
          owner: caller.owner,
          limit: args.limit ?? 20,
          ...(args.status && { status: args.status }),
          ...(args.cursor !== undefined && { cursor: args.cursor }),
        });
        const tasks = page.tasks.map(toSummary);
        const lines = tasks.map((t) => `- ${t.taskId} (${t.kind}): ${t.status}, ${Math.floor(t.progress)}%`);
        const text = tasks.length === 0 ? 'No tasks.' : `${tasks.length} task(s):\n${lines.join('\n')}${page.nextCursor ? `\nMore: pass cursor "${page.nextCursor}".` : ''}`;
        return { content: [{ type: 'text', text }], structuredContent: { tasks, ...(page.nextCursor && { nextCursor: page.nextCursor }) } };
      }),
  );
}

async function find(rt: Runtime, id: string, extra: Parameters<Runtime['owners']['of']>[0]): Promise<TaskRecord> {
  const record = await rt.options.manager.get(id, { owner: rt.owners.of(extra).owner });
  if (!record) throw new TaskNotFoundError(id);
  return record;
}

export function statusResult(record: TaskRecord, note = ''): CallToolResult {
  const summary = toSummary(record);
  const detail = record.status === 'failed' || record.status === 'cancelled' ? `: ${record.error?.message ?? ''}` : summary.statusMessage ? ` (${summary.statusMessage})` : '';
  const text = `Task ${record.id} (${record.kind}) is ${record.status}, ${Math.floor(summary.progress)}% done${detail}.${note}`;
  return { content: [{ type: 'text', text }], structuredContent: { task: summary } };
}

function errorResult(text: string): CallToolResult {
  return { content: [{ type: 'text', text }], isError: true };
}

/** Headway's errors (not found, bad argument) become tool errors a model can read. */
async function guard(fn: () => Promise<CallToolResult>): Promise<CallToolResult> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof HeadwayError) return errorResult(error.message);
    throw error;
  }
}
