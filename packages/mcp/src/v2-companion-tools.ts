// The companion tools on an SDK v2 McpServer: plain tools (the SDK validates their arguments), the
// same runs as on SDK v1 (companion-runs.ts). A missing or foreign task answers as an isError result.
import { TASK_STATUSES } from '@headway/core';
import { fromJsonSchema } from '@modelcontextprotocol/server';
import type { McpServer, ServerContext, ToolAnnotations } from '@modelcontextprotocol/server';
import { companionRuns } from './companion-runs.js';
import type { CompanionCaller } from './companion-runs.js';
import { problemOf, toolError } from './errors.js';
import type { ToolResult } from './task-view.js';
import type { V2Runtime } from './v2-runtime.js';

const TASK_ID = { type: 'string', minLength: 1, maxLength: 256, description: 'The task id returned when the task was started.' } as const;

export function registerCompanionToolsV2(server: McpServer, rt: V2Runtime): void {
  const { names } = rt;
  const runs = companionRuns(rt.manager, names, rt.maxWaitMs, rt.statusMessageOf);
  const waitSeconds = Math.floor(rt.maxWaitMs / 1000);
  const register = <A>(name: string, title: string, description: string, properties: Record<string, unknown>, required: string[], annotations: ToolAnnotations, run: (caller: CompanionCaller, args: A, ctx: ServerContext) => Promise<ToolResult>) => {
    const inputSchema = fromJsonSchema<A>({ type: 'object', properties, required, additionalProperties: false } as never);
    server.registerTool(name, { title, description, inputSchema, annotations }, (async (args: A, ctx: ServerContext) => {
      try {
        return await run(rt.ownerOf(ctx), args, ctx);
      } catch (error) {
        return toolError(problemOf(error));
      }
    }) as never);
  };

  register<{ taskId: string }>(names.status, 'Task status', `Check a background task without waiting: its status, progress and latest message, and the question it waits on, if any. Use ${names.wait} instead if you want the result.`, { taskId: TASK_ID }, ['taskId'], { readOnlyHint: true }, (caller, args) => runs.status(caller, args));
  register<{ taskId: string; timeoutSeconds?: number }>(
    names.wait,
    'Wait for a task',
    `Wait for a background task to finish and return its result. Waits at most ${waitSeconds} seconds per call; if the task is still running then, it returns the current status and you can call ${names.wait} again.`,
    { taskId: TASK_ID, timeoutSeconds: { type: 'number', exclusiveMinimum: 0, maximum: waitSeconds, description: `How long to wait, 1–${waitSeconds} seconds.` } },
    ['taskId'],
    { readOnlyHint: true },
    (caller, args, ctx) => runs.wait(caller, args, ctx.mcpReq.signal),
  );
  register<{ taskId: string }>(names.result, 'Task result', `Get the result of a finished background task. If it has not finished yet, this says so at once; use ${names.wait} to wait for it.`, { taskId: TASK_ID }, ['taskId'], { readOnlyHint: true }, (caller, args) => runs.result(caller, args));
  register<{ taskId: string; reason?: string }>(
    names.cancel,
    'Cancel a task',
    'Stop a background task that is queued or running. The task ends as cancelled and its work is aborted. A task that already finished is left as it is.',
    { taskId: TASK_ID, reason: { type: 'string', maxLength: 1024, description: 'Why, for the logs.' } },
    ['taskId'],
    { destructiveHint: true, idempotentHint: true },
    (caller, args) => runs.cancel(caller, args),
  );
  register<{ status?: (typeof TASK_STATUSES)[number][]; cursor?: string; limit?: number }>(
    names.list,
    'List tasks',
    `List your own background tasks, newest last. Returns ids and status; use ${names.status} or ${names.wait} on an id for more. Off on a server that cannot tell callers apart (HTTP without authentication).`,
    {
      status: { type: 'array', items: { type: 'string', enum: [...TASK_STATUSES] }, description: 'Only tasks with these statuses.' },
      cursor: { type: 'string', maxLength: 1024, description: 'nextCursor from the previous page.' },
      limit: { type: 'integer', minimum: 1, maximum: 100, description: 'Page size, 1–100. Default 20.' },
    },
    [],
    { readOnlyHint: true },
    (caller, args) => runs.list(caller, args, false),
  );
  register<{ taskId: string; requestId: string; action: 'accept' | 'decline' | 'cancel'; content?: Record<string, unknown> }>(
    names.respond,
    'Answer a task',
    `Answer the question a background task waits on (${names.status} shows it, with its requestId and the fields it asks for).`,
    {
      taskId: TASK_ID,
      requestId: { type: 'string', minLength: 1, maxLength: 256, description: 'The requestId of the question.' },
      action: { type: 'string', enum: ['accept', 'decline', 'cancel'], description: 'accept (with content), decline, or cancel.' },
      content: { type: 'object', description: 'The answered fields, with accept.' },
    },
    ['taskId', 'requestId', 'action'],
    { idempotentHint: false },
    (caller, args) => runs.respond(caller, args),
  );
}
