// One `tools/call` of a Headway tool on an SDK v2 McpServer, in either era: the call engine's
// outcome encoded for the wire of the request (2026-07-28 with or without the tasks extension,
// 2025-11-25 on the legacy leg).
import { HeadwayError, TaskNotFoundError } from '@headway/core';
import type { InputResponse, ProgressEvent, TaskContext, TaskFunction, TaskManager, TaskSnapshot } from '@headway/core';
import { seedContext } from '@headway/core/compat';
import { ProtocolError } from '@modelcontextprotocol/server';
import type { ServerContext } from '@modelcontextprotocol/server';
import { DRAIN_MS, QuestionWatch, callStart, drainSink, createCallTask, followInline, startAfterAnswer, toolTaskFunction } from './call-engine.js';
import type { CallSpec, CallStart } from './call-engine.js';
import { callReporters } from './call-reporters.js';
import { errorText, problemOf, toolError } from './errors.js';
import type { Problem } from './errors.js';
import { elicitParams, extTaskState, inputRequestsOf } from './ext-task-state.js';
import { declaresTasksExtension, missingTasksExtensionError } from './ext-tasks-negotiation.js';
import { encodeCreateTaskResult } from './ext-tasks-wire.js';
import type { ExtTaskState } from './ext-tasks-wire.js';
import { progressMemoOf } from './progress-memo.js';
import type { StatusLineFacts } from './status-line.js';
import { handleAnswer } from './handle-answer.js';
import { clampTtl } from './task-options.js';
import type { HandleCause } from './handle-answer.js';
import type { ResolvedToolTask } from './task-options.js';
import { finalToolResult, toMcpTask } from './task-view.js';
import type { ToolResult } from './task-view.js';
import { callMetadata } from './trace-context.js';
import { V2RequestSink } from './v2-request-sink.js';
import type { V2ProgressPolicy, V2RequestChannel } from './v2-request-sink.js';
import type { V2Runtime } from './v2-runtime.js';
import type { V2ToolContext } from './v2-tool-context.js';

/** A Headway tool on a v2 server. */
export interface V2Tool {
  readonly name: string;
  readonly task: ResolvedToolTask;
  readonly handler: (args: never, ctx: V2ToolContext) => unknown;
  /** Validates a final result's structured content against the output schema. */
  readonly checkOutput?: (result: ToolResult) => Promise<Problem | undefined>;
}

const STATELESS_QUESTION =
  'The client cannot be asked during this call: protocol 2025-11-25 over stateless HTTP cannot carry a server request; use an auto or handle tool (task_respond answers it), or protocol 2026-07-28';

/** The requestState of an inline call's input round: which task the retried call continues. */
interface RoundState {
  taskId: string;
}

/** Runs a call whose arguments passed the tool's schema. `taskTtl` is set for a 2025-11-25 task-augmented call. */
export async function callToolV2(rt: V2Runtime, tool: V2Tool, args: unknown, ctx: ServerContext, legacyTask?: { ttl?: number | undefined }): Promise<Record<string, unknown>> {
  const caller = rt.ownerOf(ctx);
  const { manager } = rt;
  const modern = rt.era === 'modern';
  const declared = modern && declaresTasksExtension(ctx.mcpReq.envelope);

  // The retry of an inline call's input round: it carries the answer and continues the same task.
  const round = modern ? await roundOf(rt, ctx) : undefined;
  if (round) {
    const record = await manager.get(round.taskId, { owner: caller.owner });
    if (!record) throw new ProtocolError(-32602, errorText({ kind: 'task-not-found', taskId: round.taskId }));
    const answered = await answerAll(manager, record, ctx.mcpReq.inputResponses, caller.owner);
    const sink = new V2RequestSink(channelOf(rt, ctx), rt.loggerName, liveFacts(manager), progressPolicy(rt));
    const questions = new QuestionWatch();
    for (const id of answered) questions.handle(id);
    await manager.watch(record.id, [sink, questions], { owner: caller.owner });
    return follow(rt, tool, ctx, record, caller.owner, declared, sink, questions);
  }

  if (tool.task.mode === 'native' && modern && !declared) {
    const error = missingTasksExtensionError(`Tool ${tool.name} runs only as a task: declare the io.modelcontextprotocol/tasks extension in the request's client capabilities`);
    throw new ProtocolError(error.code, error.message, error.data);
  }
  if (tool.task.mode === 'native' && !modern && !legacyTask) return toolError({ kind: 'task-required', tool: tool.name });
  // On 2026-07-28 the server decides: a declaration lets an auto call become a task at its budget, not at once.
  const start: CallStart = callStart(tool.task.mode, legacyTask !== undefined);
  const inline = start === 'inline';
  const sink = inline ? new V2RequestSink(channelOf(rt, ctx), rt.loggerName, liveFacts(manager), progressPolicy(rt)) : undefined;
  const questions = inline ? new QuestionWatch() : undefined;

  const metadata = callMetadata(tool.name, start === 'task' ? 'native' : tool.task.mode, { ...ctx.mcpReq.envelope, ...ctx.mcpReq._meta }, rt.era);
  const spec: CallSpec = {
    kind: tool.task.kind,
    input: args,
    owner: caller.owner,
    metadata,
    reporters: callReporters(manager, tool.task.kind, rt.reporters, [sink, questions]),
    resumable: tool.task.resumable,
    ttlMs: legacyTask?.ttl !== undefined ? clampTtl(legacyTask.ttl, rt.maxTtlMs) : tool.task.ttlMs,
    timeoutMs: tool.task.timeoutMs,
    retry: tool.task.retry,
  };
  const fn = taskFunction(tool, ctx);
  let record: TaskSnapshot;
  try {
    record = await createCallTask(manager, spec, fn, start);
  } catch (error) {
    if (!(error instanceof HeadwayError)) throw error;
    if (legacyTask || (start === 'task' && modern)) throw new ProtocolError(-32600, errorText(problemOf(error)));
    return toolError(problemOf(error));
  }
  if (start !== 'inline') {
    startAfterAnswer(manager, record, fn);
    if (legacyTask) return { task: toMcpTask(record, rt.pollIntervalMs) };
    if (start === 'task') return { ...encodeCreateTaskResult(extStateOf(rt, record)) };
    return handleAnswer(record, { names: rt.names, maxWaitMs: rt.maxWaitMs, view: rt.view });
  }
  return follow(rt, tool, ctx, record, caller.owner, declared, sink!, questions!);
}

/** A task as the extension shows it now, with the progress facts seen in this process. */
export function extStateOf(rt: V2Runtime, record: TaskSnapshot): ExtTaskState {
  const now = Date.now();
  return extTaskState(record, now, rt.pollPolicy, progressMemoOf(rt.manager).facts(record.id, now));
}

/** An inline call follows its task: to its end, to the budget, or to a question. */
async function follow(
  rt: V2Runtime,
  tool: V2Tool,
  ctx: ServerContext,
  record: TaskSnapshot,
  owner: string,
  declared: boolean,
  sink: V2RequestSink,
  questions: QuestionWatch,
): Promise<Record<string, unknown>> {
  const { manager } = rt;
  const budgetMs = tool.task.mode === 'auto' ? tool.task.inlineBudgetMs : undefined;
  const started = Date.now();
  try {
    for (;;) {
      const remaining = budgetMs === undefined ? undefined : Math.max(0, budgetMs - (Date.now() - started));
      const followed = await followInline(manager, record, {
        owner,
        signal: ctx.mcpReq.signal,
        cancelReason: 'Cancelled by the client (the request was cancelled or its stream closed)',
        budgetMs: remaining,
        questions,
      });
      record = followed.record;
      if (followed.end === 'ended') {
        await drainSink(sink, DRAIN_MS);
        // Nothing more goes out on the request; the client confirms it handled what did, then the answer goes.
        sink.close();
        await sink.settle();
        return finalToolResult(record);
      }
      if (followed.end === 'budget' || followed.end === 'stopped') {
        sink.close();
        await sink.settle();
        if (declared) return { ...encodeCreateTaskResult(extStateOf(rt, record)) };
        const cause: HandleCause =
          followed.end === 'stopped' ? { stopped: ctx.mcpReq.signal.aborted ? 'cancelled' : 'shutdown' } : { promotedAfterMs: budgetMs ?? rt.inlineBudgetMs };
        return handleAnswer(record, { names: rt.names, maxWaitMs: rt.maxWaitMs, cause, view: rt.view });
      }
      const question = record.inputRequest!;
      questions.handle(question.id);
      if (rt.era === 'modern') {
        sink.close();
        // A client that speaks the extension gets the task, whose tasks/get shows the question;
        // any other client gets the protocol's input round and answers by retrying the call.
        if (declared) return { ...encodeCreateTaskResult(extStateOf(rt, record)) };
        return { resultType: 'input_required', inputRequests: inputRequestsOf(question), requestState: await rt.stateCodec.mint({ taskId: record.id }) };
      }
      // 2025-11-25 on a connection (stdio): ask the client now, on the open request.
      if (rt.transport === 'stdio') {
        await askOnRequest(manager, record, question.id, ctx, owner);
        continue;
      }
      // 2025-11-25 over HTTP is stateless on SDK v2: the client's answer to a request from the
      // server would reach another instance. An auto call continues as a handle (task_status shows
      // the question, task_respond answers it); an inline one cannot wait for an answer.
      if (tool.task.mode === 'auto') return handleAnswer(record, { names: rt.names, maxWaitMs: rt.maxWaitMs, view: rt.view });
      await manager
        .respond(record.id, { requestId: question.id, action: 'cancel', unavailable: STATELESS_QUESTION }, { owner })
        .catch(() => undefined);
    }
  } finally {
    sink.close();
  }
}

async function askOnRequest(manager: TaskManager, record: TaskSnapshot, requestId: string, ctx: ServerContext, owner: string): Promise<void> {
  const question = record.inputRequest!;
  let response: InputResponse;
  try {
    const answer = await ctx.mcpReq.elicitInput(elicitParams(question) as never, { signal: ctx.mcpReq.signal });
    response = { requestId, action: answer.action, ...(answer.action === 'accept' && answer.content !== undefined && { content: answer.content as Record<string, unknown> }) };
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    response = { requestId, action: 'cancel', unavailable: `The client could not answer the question (elicitation/create failed: ${why})` };
  }
  await manager.respond(record.id, response, { owner }).catch(() => undefined);
}

/** Routes a request's `inputResponses` to the question the task waits on; other keys are ignored. */
export async function answerAll(manager: TaskManager, record: TaskSnapshot, responses: Record<string, unknown> | undefined, owner: string): Promise<string[]> {
  const used: string[] = [];
  for (const [key, value] of Object.entries(responses ?? {})) {
    if (record.inputRequest?.id !== key) continue;
    const answer = value as { action?: unknown; content?: unknown };
    const action = answer.action === 'accept' || answer.action === 'decline' || answer.action === 'cancel' ? answer.action : 'cancel';
    const content = action === 'accept' && typeof answer.content === 'object' && answer.content !== null ? (answer.content as Record<string, unknown>) : undefined;
    try {
      await manager.respond(record.id, { requestId: key, action, ...(content && { content }) }, { owner });
      used.push(key);
    } catch (error) {
      if (error instanceof TaskNotFoundError) throw error;
      // Answered already, or the task moved on: the spec says to ignore such a response.
    }
  }
  return used;
}

async function roundOf(rt: V2Runtime, ctx: ServerContext): Promise<RoundState | undefined> {
  const raw = ctx.mcpReq.requestState();
  if (raw === undefined) return undefined;
  try {
    const state = typeof raw === 'string' ? await rt.stateCodec.verify(raw, ctx) : raw;
    if (typeof (state as RoundState | undefined)?.taskId === 'string') return state as RoundState;
  } catch {
    // Falls through to the error below.
  }
  throw new ProtocolError(-32602, 'Invalid requestState: not one this server issued, or expired');
}

/** The task function of a call; `request` is undefined for runs after a restart (`ctx.mcp` undefined). */
function taskFunction(tool: V2Tool, request: ServerContext | undefined): TaskFunction {
  const handler = tool.handler as (args: unknown, ctx: V2ToolContext) => unknown;
  return toolTaskFunction(tool.name, (input, ctx: TaskContext) => handler(input, Object.assign(seedContext(ctx), { mcp: request })), tool.checkOutput);
}

/** A task function for runs after a restart (no request). */
export function recoveryFunctionV2(tool: V2Tool): TaskFunction {
  return taskFunction(tool, undefined);
}

function liveFacts(manager: TaskManager): (event: ProgressEvent) => StatusLineFacts | undefined {
  const memo = progressMemoOf(manager);
  return (event) => memo.facts(event.taskId, event.at);
}

/** On stdio a call's progress and its answer can reach the client in one read (progress-delivery.ts); over HTTP they travel on the request's own stream. */
function progressPolicy(rt: V2Runtime): V2ProgressPolicy {
  return { mixed: rt.transport === 'stdio', holdMs: rt.progressAfterMs };
}

function channelOf(rt: V2Runtime, ctx: ServerContext): V2RequestChannel {
  const token = ctx.mcpReq._meta?.progressToken;
  return {
    // 2026-07-28 has no server-to-client request: nothing can confirm progress there.
    ...(rt.era === 'legacy' && { ping: (options: { timeout: number; signal: AbortSignal }) => ctx.mcpReq.send({ method: 'ping' }, options) }),
    progressToken: typeof token === 'string' || typeof token === 'number' ? token : undefined,
    signal: ctx.mcpReq.signal,
    notify: (notification: { method: string; params: Record<string, unknown> }) => ctx.mcpReq.notify(notification as never),
    log: (level: Parameters<ServerContext['mcpReq']['log']>[0], data: unknown, logger?: string) => ctx.mcpReq.log(level, data, logger),
  };
}
