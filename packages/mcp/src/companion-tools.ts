import { TASK_STATUSES } from '@headway/core';
import type { RegisteredTool } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ShapeOutput, ZodRawShapeCompat } from '@modelcontextprotocol/sdk/server/zod-compat.js';
import type { CallToolResult, ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { companionRuns, companionToolTexts } from './companion-runs.js';
import type { CompanionToolText } from './companion-runs.js';
import type { Runtime } from './runtime.js';
import type { McpExtra } from './types.js';

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
  const runs = companionRuns(options.manager, names, options.maxWaitMs, rt.view);
  const caller = (extra: McpExtra) => rt.owners.of(extra);
  const waitSeconds = Math.floor(options.maxWaitMs / 1000);
  const texts = companionToolTexts(names, waitSeconds);
  const taskId = z.string().min(1).max(256).describe(texts.status.fields.taskId!);
  const register = <Shape extends ZodRawShapeCompat>(name: string, config: CompanionConfig<Shape>, run: (args: ShapeOutput<Shape>, extra: McpExtra) => Promise<CallToolResult>) => {
    serve(rt.server.registerTool(name, config, run as never), name, run as CompanionRun);
  };

  register(
    names.status,
    {
      ...heading(texts.status),
      inputSchema: { taskId },
      annotations: { readOnlyHint: true },
    },
    async (args, extra) => runs.status(caller(extra), args),
  );

  register(
    names.wait,
    {
      ...heading(texts.wait),
      inputSchema: {
        taskId,
        timeoutSeconds: z.number().positive().max(waitSeconds).optional().describe(texts.wait.fields.timeoutSeconds!),
      },
      annotations: { readOnlyHint: true },
    },
    async (args, extra) => runs.wait(caller(extra), args, extra.signal),
  );

  register(
    names.result,
    {
      ...heading(texts.result),
      inputSchema: { taskId },
      annotations: { readOnlyHint: true },
    },
    async (args, extra) => runs.result(caller(extra), args),
  );

  register(
    names.cancel,
    {
      ...heading(texts.cancel),
      inputSchema: { taskId, reason: z.string().max(1024).optional().describe(texts.cancel.fields.reason!) },
      annotations: { destructiveHint: true, idempotentHint: true },
    },
    async (args, extra) => runs.cancel(caller(extra), args),
  );

  register(
    names.list,
    {
      ...heading(texts.list),
      inputSchema: {
        status: z.array(z.enum(TASK_STATUSES)).optional().describe(texts.list.fields.status!),
        cursor: z.string().max(1024).optional().describe(texts.list.fields.cursor!),
        limit: z.number().int().min(1).max(100).optional().describe(texts.list.fields.limit!),
      },
      annotations: { readOnlyHint: true },
    },
    async (args, extra) => runs.list(caller(extra), args, options.anonymousListing),
  );

  register(
    names.respond,
    {
      ...heading(texts.respond),
      inputSchema: {
        taskId,
        requestId: z.string().min(1).max(256).describe(texts.respond.fields.requestId!),
        action: z.enum(['accept', 'decline', 'cancel']).describe(texts.respond.fields.action!),
        // ElicitResult.content's values (2025-11-25); the v2 binding states the same in JSON Schema.
        content: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.array(z.string())])).optional().describe(texts.respond.fields.content!),
      },
      annotations: { idempotentHint: false },
    },
    async (args, extra) => runs.respond(caller(extra), args),
  );
}

function heading(text: CompanionToolText): { title: string; description: string } {
  return { title: text.title, description: text.description };
}
