// Questions of a task (`ctx.elicit`) asked on an open SDK v1 request: an inline call's own request,
// or (2025-11-25 native tasks) the `tasks/result` request the client waits on, with the task named
// in `_meta` as that protocol has it. The client's answer goes to the task.
import type { InputResponse, TaskSnapshot } from '@headway/core';
import { ElicitResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { QuestionWatch } from './call-engine.js';
import { elicitParams } from './ext-task-state.js';
import type { Runtime } from './runtime.js';
import { RELATED_TASK_META_KEY } from './task-view.js';
import type { McpExtra } from './types.js';

/**
 * Asks the question `record` waits on. An inline call's question fails clearly when the client
 * cannot elicit (nothing else could answer it while the call is open); a native task's is left
 * waiting then (`task_respond` answers it).
 */
export async function askOnRequest(rt: Runtime, record: TaskSnapshot, extra: McpExtra, owner: string, relatedTask = false): Promise<void> {
  const question = record.inputRequest!;
  let response: InputResponse;
  if (!rt.server.server.getClientCapabilities()?.elicitation) {
    if (relatedTask) return;
    response = { requestId: question.id, action: 'cancel', unavailable: 'The client cannot answer questions: it did not declare the elicitation capability' };
  } else {
    const params = { ...elicitParams(question), ...(relatedTask && { _meta: { [RELATED_TASK_META_KEY]: { taskId: record.id } } }) };
    try {
      const answer = await extra.sendRequest({ method: 'elicitation/create', params: params as never }, ElicitResultSchema, { signal: extra.signal });
      response = { requestId: question.id, action: answer.action, ...(answer.action === 'accept' && answer.content !== undefined && { content: answer.content as Record<string, unknown> }) };
    } catch (error) {
      if (relatedTask && extra.signal.aborted) return;
      response = { requestId: question.id, action: 'cancel', unavailable: `The client could not answer the question (elicitation/create failed: ${error instanceof Error ? error.message : String(error)})` };
    }
  }
  await rt.options.manager.respond(record.id, response, { owner }).catch(() => undefined);
}

/** While a `tasks/result` request waits (until `done` aborts), asks the client every question its task asks. */
export async function askWhileWaiting(rt: Runtime, taskId: string, owner: string, extra: McpExtra, done: AbortSignal): Promise<void> {
  const { manager } = rt.options;
  const questions = new QuestionWatch();
  if (!(await manager.watch(taskId, [questions], { owner }))) return;
  let record = await manager.get(taskId, { owner });
  while (record && !done.aborted) {
    const question = record.inputRequest;
    if (record.status === 'input_required' && question && !questions.handled(question.id)) {
      questions.handle(question.id);
      await askOnRequest(rt, record, extra, owner, true);
    }
    if (!(await questions.next(done))) return;
    record = await manager.get(taskId, { owner });
  }
}
