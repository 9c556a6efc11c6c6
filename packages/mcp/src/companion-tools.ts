import { TASK_STATUSES, TaskNotFoundError, isTerminal } from '@headway/core';
import type { TaskSnapshot as TaskRecord } from '@headway/core';
import type { RegisteredTool } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ShapeOutput, ZodRawShapeCompat } from '@modelcontextprotocol/sdk/server/zod-compat.js';
import type { CallToolResult, ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { toolError } from './errors.js';
import type { Runtime } from './runtime.js';
import { finalToolResult, toSummary, withRelatedTask } from './task-view.js';
import type { McpExtra } from './types.js';

const taskId = z.string().min(1).max(256).describe('The task id returned when the task was started.');

/** A companion tool's run: its arguments passed its schema (the tool router serves its calls). */
export type CompanionRun = (args: unknown, extra: McpExtra) => Promise<CallToolResult>;

interface CompanionConfig<Shape extends ZodRawShapeCompat> {
  title: string;
  description: string;
  inputSchema: Shape;
  annotations: ToolAnnotations;
}

/**
 * Registers task_status, task_wait, task_result, task_cancel and task_list (with the prefix) with
 * the SDK, for listing, and hands each to `serve`. Errors they throw (a missing task) reach the
 * client through the tool router, worded by `errorText`.
 */
export function registerCompanionTools(rt: Runtime, serve: (registered: RegisteredTool, name: string, run: CompanionRun) => void): void {
  const { options, names } = rt;
  const { manager } = options;
  const waitSeconds = Math.floor(options.maxWaitMs / 1000);
  const register = <Shape extends ZodRawShapeCompat>(name: string, config: CompanionConfig<Shape>, run: (args: ShapeOutput<Shape>, extra: McpExtra) => Promise<CallToolResult>) => {
    serve(rt.server.registerTool(name, config, run as never), name, run as CompanionRun);
  };

  register(
    names.status,
    {
      title: 'Task status',
      description: `Check a background task without waiting: its status (queued, working, input_required, completed, failed, cancelled), progress in percent and latest message. Use ${names.wait} instead if you want the result.`,
      inputSchema: { taskId },
      annotations: { readOnlyHint: true },
    },
    async (args, extra) => statusResult(await find(rt, args.taskId, extra)),
  );

  register(
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
    async (args, extra) => {
      const owner = rt.owners.of(extra).owner;
      const timeoutMs = Math.min(options.maxWaitMs, (args.timeoutSeconds ?? waitSeconds) * 1000);
      const record = await manager.wait(args.taskId, { owner, timeoutMs, signal: extra.signal });
      if (isTerminal(record.status)) return withRelatedTask(finalToolResult(record), record.id);
      return statusResult(record, ` It is still running; call ${names.wait} again to keep waiting.`);
    },
  );

  register(
    names.result,
    {
      title: 'Task result',
      description: `Get the result of a finished background task. If it has not finished yet, this says so at once; use ${names.wait} to wait for it.`,
      inputSchema: { taskId },
      annotations: { readOnlyHint: true },
    },
    async (args, extra) => {
      const record = await find(rt, args.taskId, extra);
      if (isTerminal(record.status)) return withRelatedTask(finalToolResult(record), record.id);
      return statusResult(record, ` It has not finished, so there is no result yet; call ${names.wait} to wait for it.`);
    },
  );

  register(
    names.cancel,
    {
      title: 'Cancel a task',
      description: 'Stop a background task that is queued or running. The task ends as cancelled and its work is aborted. A task that already finished is left as it is.',
      inputSchema: { taskId, reason: z.string().max(1024).optional().describe('Why, for the logs.') },
      annotations: { destructiveHint: true, idempotentHint: true },
    },
    async (args, extra) => {
      const owner = rt.owners.of(extra).owner;
      const before = await find(rt, args.taskId, extra);
      if (isTerminal(before.status)) return statusResult(before, ' It had already finished, so nothing was cancelled.');
      const after = await manager.cancel(args.taskId, { owner, reason: args.reason ?? `Cancelled by the client (${names.cancel})` });
      return statusResult(after);
    },
  );

  register(
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
    async (args, extra) => {
      const caller = rt.owners.of(extra);
      if (!caller.distinct && !options.anonymousListing) return toolError({ kind: 'listing-off' });
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
    },
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
