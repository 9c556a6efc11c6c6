// 2025-11-25 tasks on the legacy leg of an SDK v2 server: tasks/get, tasks/result, tasks/list,
// tasks/cancel (the v2 SDK carries their wire schemas but no TaskStore, so Headway answers them).
import { HeadwayError, TaskNotFoundError, isTerminal } from '@headway/core';
import { ProtocolError } from '@modelcontextprotocol/server';
import type { Server, ServerContext } from '@modelcontextprotocol/server';
import { ErrorCode, errorCode, errorText } from './errors.js';
import type { Problem } from './errors.js';
import { finalToolResult, liveMcpTask, withRelatedTask } from './task-view.js';
import type { V2Runtime } from './v2-runtime.js';

const fail = (problem: Problem): never => {
  throw new ProtocolError(errorCode(problem), errorText(problem));
};

type LegacyRequest = { params: { taskId: string; cursor?: string } | undefined };
// The 2025-11-25 task methods are spec methods of that era, so the two-argument form takes them;
// the v2 typings list only the current era's methods.
type LegacyRegistration = (method: string, handler: (request: LegacyRequest, ctx: ServerContext) => Promise<unknown>) => void;

export function installLegacyTaskMethods(server: Server, rt: V2Runtime): void {
  const { manager } = rt;
  const on = server.setRequestHandler.bind(server) as unknown as LegacyRegistration;
  const find = async (taskId: string, ctx: ServerContext) => {
    const { owner } = rt.ownerOf(ctx);
    const record = await manager.get(taskId, { owner });
    return record ? { record, owner } : fail({ kind: 'task-not-found', taskId });
  };

  on('tasks/get', async (request, ctx) => {
    const { record } = await find(request.params!.taskId, ctx);
    return liveMcpTask(manager, record, rt.pollIntervalMs)
  });

  on('tasks/result', async (request, ctx) => {
    const { taskId } = request.params!;
    const { owner } = await find(taskId, ctx);
    const record = await manager.wait(taskId, { owner, signal: ctx.mcpReq.signal }).catch((error: unknown) => {
      if (error instanceof TaskNotFoundError) return fail({ kind: 'task-not-found', taskId });
      throw error;
    });
    if (!isTerminal(record.status)) return fail({ kind: 'request-cancelled' });
    return withRelatedTask(finalToolResult(record), taskId)
  });

  on('tasks/list', async (request, ctx) => {
    const caller = rt.ownerOf(ctx);
    if (!caller.distinct) return fail({ kind: 'listing-off' });
    try {
      const cursor = request.params?.cursor;
      const page = await manager.list({ owner: caller.owner, limit: 100, ...(cursor !== undefined && { cursor }) });
      return { tasks: page.tasks.map((t) => liveMcpTask(manager, t, rt.pollIntervalMs)), ...(page.nextCursor !== undefined && { nextCursor: page.nextCursor }) }
    } catch (error) {
      if (error instanceof HeadwayError) return fail({ kind: 'error', error, code: ErrorCode.InvalidParams });
      throw error;
    }
  });

  on('tasks/cancel', async (request, ctx) => {
    const { taskId } = request.params!;
    const { record, owner } = await find(taskId, ctx);
    if (isTerminal(record.status)) return fail({ kind: 'already-finished', taskId, status: record.status });
    // Resolves once the task is cancelled, as 2025-11-25 requires.
    const after = await manager.cancel(taskId, { owner, reason: 'Cancelled by the client (tasks/cancel)' });
    return liveMcpTask(manager, after, rt.pollIntervalMs)
  });
}
