import { TASK_STATUSES } from '@headway/core';
import type { RegisteredTool } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ShapeOutput, ZodRawShapeCompat } from '@modelcontextprotocol/sdk/server/zod-compat.js';
import type { CallToolResult, ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { companionRuns } from './companion-runs.js';
import type { Runtime } from './runtime.js';
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
  const runs = companionRuns(options.manager, names, options.maxWaitMs);
  const caller = (extra: McpExtra) => rt.owners.of(extra);
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
    async (args, extra) => runs.status(caller(extra), args),
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
    async (args, extra) => runs.wait(caller(extra), args, extra.signal),
  );

  register(
    names.result,
    {
      title: 'Task result',
      description: `Get the result of a finished background task. If it has not finished yet, this says so at once; use ${names.wait} to wait for it.`,
      inputSchema: { taskId },
      annotations: { readOnlyHint: true },
    },
    async (args, extra) => runs.result(caller(extra), args),
  );

  register(
    names.cancel,
    {
      title: 'Cancel a task',
      description: 'Stop a background task that is queued or running. The task ends as cancelled and its work is aborted. A task that already finished is left as it is.',
      inputSchema: { taskId, reason: z.string().max(1024).optional().describe('Why, for the logs.') },
      annotations: { destructiveHint: true, idempotentHint: true },
    },
    async (args, extra) => runs.cancel(caller(extra), args),
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
    async (args, extra) => runs.list(caller(extra), args, options.anonymousListing),
  );

  register(
    names.respond,
    {
      title: 'Answer a task',
      description: `Answer the question a background task waits on (${names.status} shows it, with its requestId and the fields it asks for).`,
      inputSchema: {
        taskId,
        requestId: z.string().min(1).max(256).describe('The requestId of the question.'),
        action: z.enum(['accept', 'decline', 'cancel']).describe('accept (with content), decline, or cancel.'),
        content: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.array(z.string())])).optional().describe('The answered fields, with accept.'),
      },
      annotations: { idempotentHint: false },
    },
    async (args, extra) => runs.respond(caller(extra), args),
  );
}
