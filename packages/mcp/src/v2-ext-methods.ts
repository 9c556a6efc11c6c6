// The tasks extension's methods on an SDK v2 server (2026-07-28): tasks/get, tasks/update,
// tasks/cancel. Registered with the three-argument `setRequestHandler(method, { params }, handler)`,
// the only form the SDK's 2026 method gate lets through (the two-argument form answers -32601).
// The SDK does not check the client's declaration for these methods: the server does (-32021).
import { isTerminal } from '@headway/core';
import type { TaskSnapshot } from '@headway/core';
import { ProtocolError, fromJsonSchema } from '@modelcontextprotocol/server';
import type { Server, ServerContext } from '@modelcontextprotocol/server';
import { declaresTasksExtension, missingTasksExtensionError, taskNotFoundError } from './ext-tasks-negotiation.js';
import { encodeAcknowledgement, encodeGetTaskResult } from './ext-tasks-wire.js';
import { answerAll, extStateOf } from './v2-tool-call.js';
import type { V2Runtime } from './v2-runtime.js';

const TASK_ID_PARAMS = fromJsonSchema<{ taskId: string }>({
  type: 'object',
  properties: { taskId: { type: 'string', minLength: 1, maxLength: 256 } },
  required: ['taskId'],
});

export function installExtensionMethods(server: Server, rt: V2Runtime): void {
  const find = async (taskId: string, ctx: ServerContext): Promise<{ record: TaskSnapshot; owner: string }> => {
    if (!declaresTasksExtension(ctx.mcpReq.envelope)) {
      const error = missingTasksExtensionError();
      throw new ProtocolError(error.code, error.message, error.data);
    }
    const { owner } = rt.ownerOf(ctx);
    const record = await rt.manager.get(taskId, { owner });
    if (!record) {
      const error = taskNotFoundError();
      throw new ProtocolError(error.code, error.message);
    }
    return { record, owner };
  };

  server.setRequestHandler('tasks/get', { params: TASK_ID_PARAMS }, async (params, ctx) => {
    const { record } = await find(params.taskId, ctx);
    return { ...encodeGetTaskResult(extStateOf(rt, record)) } as never;
  });

  // The SDK lifts `inputResponses` out of every request's params into ctx.mcpReq.
  server.setRequestHandler('tasks/update', { params: TASK_ID_PARAMS }, async (params, ctx) => {
    const { record, owner } = await find(params.taskId, ctx);
    await answerAll(rt.manager, record, ctx.mcpReq.inputResponses, owner);
    return { ...encodeAcknowledgement() } as never;
  });

  // Acknowledged once the task is cancelled: its signal aborted, and tasks/get shows `cancelled`.
  server.setRequestHandler('tasks/cancel', { params: TASK_ID_PARAMS }, async (params, ctx) => {
    const { record, owner } = await find(params.taskId, ctx);
    if (!isTerminal(record.status)) await rt.manager.cancel(record.id, { owner, reason: 'Cancelled by the client (tasks/cancel)' });
    return { ...encodeAcknowledgement() } as never;
  });
}
