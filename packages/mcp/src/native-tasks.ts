import { HeadwayError, TaskNotFoundError, isTerminal } from '@headway/core';
import { ErrorCode, CancelTaskRequestSchema, GetTaskPayloadRequestSchema, GetTaskRequestSchema, ListTasksRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { protocolError } from './v1-errors.js';
import type { Runtime } from './runtime.js';
import { TaskGoneError } from './task-store-adapter.js';
import { finalToolResult, withRelatedTask } from './task-view.js';
import { askWhileWaiting } from './v1-elicit.js';

const notFound = (taskId: string) => protocolError({ kind: 'task-not-found', taskId });

/** A task swept or gone between two reads is still "not found" (-32602), not an internal error. */
function rethrowNotFound(taskId: string) {
  return (error: unknown): never => {
    if (error instanceof TaskNotFoundError || error instanceof TaskGoneError) throw notFound(taskId);
    throw error;
  };
}

/**
 * `tasks/get`, `tasks/result`, `tasks/list`, `tasks/cancel` over Headway's manager, through the
 * SDK `TaskStore` interface, scoped to the caller's owner (auth principal, else session).
 */
export function installNativeTaskHandlers(rt: Runtime): void {
  const server = rt.server.server;
  const { manager } = rt.options;

  server.setRequestHandler(GetTaskRequestSchema, async (request, extra) => {
    const task = await rt.store.getTask(request.params.taskId, rt.owners.of(extra).owner);
    if (!task) throw notFound(request.params.taskId);
    return task;
  });

  server.setRequestHandler(GetTaskPayloadRequestSchema, async (request, extra) => {
    const { taskId } = request.params;
    const owner = rt.owners.of(extra).owner;
    if (!(await rt.store.getTask(taskId, owner))) throw notFound(taskId);
    // 2025-11-25: a task that needs input is answered through tasks/result, which asks the client.
    const done = new AbortController();
    void askWhileWaiting(rt, taskId, owner, extra, done.signal).catch(() => undefined);
    const record = await manager
      .wait(taskId, { owner, signal: extra.signal })
      .catch(rethrowNotFound(taskId))
      .finally(() => done.abort());
    if (!isTerminal(record.status)) throw protocolError({ kind: 'request-cancelled' });
    const result: CallToolResult = withRelatedTask(finalToolResult(record), taskId);
    return result;
  });

  server.setRequestHandler(ListTasksRequestSchema, async (request, extra) => {
    const caller = rt.owners.of(extra);
    if (!caller.distinct && !rt.options.anonymousListing) throw protocolError({ kind: 'listing-off' });
    try {
      const page = await rt.store.listTasks(request.params?.cursor, caller.owner);
      return { tasks: page.tasks, ...(page.nextCursor !== undefined && { nextCursor: page.nextCursor }) };
    } catch (error) {
      if (error instanceof HeadwayError) throw protocolError({ kind: 'error', error, code: ErrorCode.InvalidParams });
      throw error;
    }
  });

  server.setRequestHandler(CancelTaskRequestSchema, async (request, extra) => {
    const { taskId } = request.params;
    const owner = rt.owners.of(extra).owner;
    const task = await rt.store.getTask(taskId, owner);
    if (!task) throw notFound(taskId);
    if (isTerminal(task.status)) throw protocolError({ kind: 'already-finished', taskId, status: task.status });
    // Resolves only once the task is cancelled (or had just finished), as the spec requires.
    await rt.store.updateTaskStatus(taskId, 'cancelled', 'Cancelled by the client (tasks/cancel)', owner).catch(rethrowNotFound(taskId));
    const after = await rt.store.getTask(taskId, owner);
    if (!after) throw notFound(taskId);
    return after;
  });
}
