import { HeadwayError } from '@headway/core';
import type { TaskFunction, TaskSnapshot as TaskRecord } from '@headway/core';
import { normalizeObjectSchema, safeParseAsync } from '@modelcontextprotocol/sdk/server/zod-compat.js';
import type { AnySchema, ZodRawShapeCompat } from '@modelcontextprotocol/sdk/server/zod-compat.js';
import type { CallToolResult, CreateTaskResult, TaskMetadata } from '@modelcontextprotocol/sdk/types.js';
import { DRAIN_MS, QuestionWatch, callStart, drainSink, createCallTask, followInline, startAfterAnswer, toolTaskFunction } from './call-engine.js';
import type { CallSpec } from './call-engine.js';
import { callReporters } from './call-reporters.js';
import { ErrorCode, problemOf, toolError } from './errors.js';
import { protocolError } from './v1-errors.js';
import type { Problem } from './errors.js';
import type { ResolvedToolTask } from './options.js';
import { RequestSink } from './request-sink.js';
import { askOnRequest } from './v1-elicit.js';
import type { RequestSinkOptions } from './request-sink.js';
import type { Caller } from './owner.js';
import { callMetadata } from './trace-context.js';
import type { Runtime } from './runtime.js';
import { issueTexts } from './tool-args.js';
import { createToolContext } from './tool-context.js';
import type { McpToolContext } from './tool-context.js';
import { handleAnswer } from './handle-answer.js';
import { finalToolResult, toMcpTask } from './task-view.js';
import type { McpExtra } from './types.js';

export type ToolHandler = (args: never, ctx: McpToolContext) => unknown;

/** One long-running tool registered through Headway. */
export interface HeadwayTool {
  readonly name: string;
  readonly task: ResolvedToolTask;
  /** The output schema as a zod object, built once at registration (a raw shape becomes a new `z.object` each time). */
  readonly outputParser?: AnySchema;
  readonly handler: ToolHandler;
}

/**
 * Runs a `tools/call` of a Headway tool in its mode, with arguments that passed its schema (the
 * tool router refused everything else); `taskParams` is set for task-augmented calls.
 */
export async function callTool(
  rt: Runtime,
  tool: HeadwayTool,
  args: unknown,
  taskParams: TaskMetadata | undefined,
  extra: McpExtra,
): Promise<CallToolResult | CreateTaskResult> {
  const { mode } = tool.task;
  const native = taskParams !== undefined;
  const { manager } = rt.options;
  const caller = rt.owners.of(extra);
  const inline = !native && (mode === 'inline' || mode === 'auto');
  const sink = new RequestSink(sinkOptions(rt, extra, caller, inline, inline, native));
  // Child tasks started with `ctx` as their context log to this request, without touching its progress.
  const childSink = new RequestSink(sinkOptions(rt, extra, caller, inline, false, false));
  const ttlMs = native && taskParams.ttl !== undefined ? rt.store.ttl(taskParams.ttl) : tool.task.ttlMs;

  const fn = taskFunction(tool, extra, childSink.sends ? [childSink] : []);
  const metadata = callMetadata(tool.name, native ? 'native' : mode, extra._meta);
  const start = callStart(mode, native);
  const questions = start === 'inline' ? new QuestionWatch() : undefined;
  const spec: CallSpec = {
    kind: tool.task.kind,
    input: args,
    owner: caller.owner,
    metadata,
    reporters: callReporters(manager, tool.task.kind, rt.options.reporters, [sink.sends ? sink : undefined, questions]),
    resumable: tool.task.resumable,
    ttlMs,
    timeoutMs: tool.task.timeoutMs,
    retry: tool.task.retry,
  };
  let record: TaskRecord;
  try {
    record = await createCallTask(manager, spec, fn, start);
  } catch (error) {
    sink.closeRequest();
    childSink.closeRequest();
    if (!(error instanceof HeadwayError)) throw error;
    if (native) throw protocolError(problemOf(error, ErrorCode.InvalidRequest));
    return toolError(problemOf(error));
  }

  if (start !== 'inline') {
    startAfterAnswer(manager, record, fn);
    return native ? { task: toMcpTask(record, rt.options.pollIntervalMs) } : handleAnswer(record, { names: rt.names, maxWaitMs: rt.options.maxWaitMs, view: rt.view });
  }

  // Inline (and auto until its budget): the request stays open and follows the task, asking the
  // client on this request when the task asks a question.
  try {
    const started = Date.now();
    let followed: Awaited<ReturnType<typeof followInline>>;
    for (;;) {
      followed = await followInline(manager, record, {
        owner: caller.owner,
        signal: extra.signal,
        cancelReason: 'Cancelled by the client (notifications/cancelled)',
        budgetMs: mode === 'auto' ? Math.max(0, tool.task.inlineBudgetMs - (Date.now() - started)) : undefined,
        questions,
      });
      if (followed.end !== 'input') break;
      record = followed.record;
      questions!.handle(record.inputRequest!.id);
      await askOnRequest(rt, record, extra, caller.owner);
    }
    let answer: CallToolResult;
    if (followed.end === 'ended') {
      await drainSink(sink, DRAIN_MS);
      answer = finalToolResult(followed.record);
    } else if (followed.end === 'stopped') {
      answer = handleAnswer(followed.record, { names: rt.names, maxWaitMs: rt.options.maxWaitMs, cause: { stopped: extra.signal.aborted ? 'cancelled' : 'shutdown' }, view: rt.view });
    } else {
      answer = handleAnswer(followed.record, { names: rt.names, maxWaitMs: rt.options.maxWaitMs, cause: { promotedAfterMs: tool.task.inlineBudgetMs }, view: rt.view });
    }
    // Nothing more goes out on the request; the client confirms it handled what did, then the answer goes.
    sink.closeRequest();
    childSink.closeRequest();
    await sink.settle();
    return answer;
  } finally {
    sink.closeRequest();
    childSink.closeRequest();
  }
}

function sinkOptions(rt: Runtime, extra: McpExtra, caller: Caller, open: boolean, progress: boolean, native: boolean): RequestSinkOptions {
  return {
    server: rt.server.server,
    extra,
    sessionKey: caller.sessionKey,
    levels: rt.levels,
    logger: rt.options.loggerName,
    logAfterResponse: rt.options.logAfterResponse,
    open,
    progress,
    progressAfterMs: rt.options.progressAfterMs,
    native: native ? { pollIntervalMs: rt.options.pollIntervalMs } : undefined,
  };
}

function taskFunction(tool: HeadwayTool, extra: McpExtra | undefined, reporters: RequestSink[]): TaskFunction {
  const handler = tool.handler as (args: unknown, ctx: McpToolContext) => unknown;
  return toolTaskFunction(tool.name, (input, ctx) => handler(input, createToolContext(ctx, extra, reporters)), (result) => checkOutput(tool, result));
}

/** The task function a resumable tool's kind is defined with, for runs after a restart (no request). */
export function recoveryFunction(tool: HeadwayTool): TaskFunction {
  return taskFunction(tool, undefined, []);
}

/** A tool's output schema as a zod object (a raw shape becomes one), to validate results with. */
export function outputParser(outputSchema: ZodRawShapeCompat | AnySchema | undefined): { outputParser?: AnySchema } {
  const parser = normalizeObjectSchema(outputSchema);
  return parser ? { outputParser: parser } : {};
}

async function checkOutput(tool: HeadwayTool, result: CallToolResult): Promise<Problem | undefined> {
  const schema = tool.outputParser;
  if (!schema) return undefined;
  if (!result.structuredContent) return { kind: 'invalid-output', tool: tool.name, issues: ['it has an output schema but returned no structured content'] };
  const parsed = await safeParseAsync(schema, result.structuredContent);
  if (parsed.success) return undefined;
  return { kind: 'invalid-output', tool: tool.name, issues: issueTexts(parsed.error) };
}
