// The companion tools on an SDK v2 McpServer: plain tools (the SDK validates their arguments), the
// same runs as on SDK v1 (companion-runs.ts). A missing or foreign task answers as an isError result.
import { TASK_STATUSES } from '@headway/core';
import { fromJsonSchema } from '@modelcontextprotocol/server';
import type { McpServer, ServerContext, ToolAnnotations } from '@modelcontextprotocol/server';
import { companionRuns, companionToolTexts } from './companion-runs.js';
import type { CompanionCaller, CompanionToolText } from './companion-runs.js';
import { problemOf, toolError } from './errors.js';
import type { ToolResult } from './task-view.js';
import type { V2Runtime } from './v2-runtime.js';

/** ElicitResult.content's values (2025-11-25): what the v1 binding's zod schema allows too. */
const ANSWER_VALUE = { anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }, { type: 'array', items: { type: 'string' } }] } as const;

export function registerCompanionToolsV2(server: McpServer, rt: V2Runtime): void {
  const { names } = rt;
  const runs = companionRuns(rt.manager, names, rt.maxWaitMs, rt.view);
  const waitSeconds = Math.floor(rt.maxWaitMs / 1000);
  const texts = companionToolTexts(names, waitSeconds);
  const register = <A>(text: CompanionToolText, name: string, properties: Record<string, Record<string, unknown>>, required: string[], annotations: ToolAnnotations, run: (caller: CompanionCaller, args: A, ctx: ServerContext) => Promise<ToolResult>) => {
    const described = Object.fromEntries(Object.entries(properties).map(([field, schema]) => [field, { ...schema, description: text.fields[field] }]));
    const inputSchema = fromJsonSchema<A>({ type: 'object', properties: described, required, additionalProperties: false } as never);
    server.registerTool(name, { title: text.title, description: text.description, inputSchema, annotations }, (async (args: A, ctx: ServerContext) => {
      try {
        return await run(rt.ownerOf(ctx), args, ctx);
      } catch (error) {
        return toolError(problemOf(error));
      }
    }) as never);
  };
  const taskId = { type: 'string', minLength: 1, maxLength: 256 };

  register<{ taskId: string }>(texts.status, names.status, { taskId }, ['taskId'], { readOnlyHint: true }, (caller, args) => runs.status(caller, args));
  register<{ taskId: string; timeoutSeconds?: number }>(
    texts.wait,
    names.wait,
    { taskId, timeoutSeconds: { type: 'number', exclusiveMinimum: 0, maximum: waitSeconds } },
    ['taskId'],
    { readOnlyHint: true },
    (caller, args, ctx) => runs.wait(caller, args, ctx.mcpReq.signal),
  );
  register<{ taskId: string }>(texts.result, names.result, { taskId }, ['taskId'], { readOnlyHint: true }, (caller, args) => runs.result(caller, args));
  register<{ taskId: string; reason?: string }>(
    texts.cancel,
    names.cancel,
    { taskId, reason: { type: 'string', maxLength: 1024 } },
    ['taskId'],
    { destructiveHint: true, idempotentHint: true },
    (caller, args) => runs.cancel(caller, args),
  );
  register<{ status?: (typeof TASK_STATUSES)[number][]; cursor?: string; limit?: number }>(
    texts.list,
    names.list,
    {
      status: { type: 'array', items: { type: 'string', enum: [...TASK_STATUSES] } },
      cursor: { type: 'string', maxLength: 1024 },
      limit: { type: 'integer', minimum: 1, maximum: 100 },
    },
    [],
    { readOnlyHint: true },
    (caller, args) => runs.list(caller, args, false),
  );
  register<{ taskId: string; requestId: string; action: 'accept' | 'decline' | 'cancel'; content?: Record<string, unknown> }>(
    texts.respond,
    names.respond,
    {
      taskId,
      requestId: { type: 'string', minLength: 1, maxLength: 256 },
      action: { type: 'string', enum: ['accept', 'decline', 'cancel'] },
      content: { type: 'object', additionalProperties: ANSWER_VALUE },
    },
    ['taskId', 'requestId', 'action'],
    { idempotentHint: false },
    (caller, args) => runs.respond(caller, args),
  );
}
