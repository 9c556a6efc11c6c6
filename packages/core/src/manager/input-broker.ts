import type { ElicitRequest } from '../context/elicit.js';
import { InputTimeoutError, InputUnavailableError, TaskCancelledError } from '../errors.js';
import type { TaskEventBody } from '../events.js';
import { newTaskId } from '../ids.js';
import type { InputRequest, InputResponse } from '../task-record.js';
import type { Attempt } from './attempt.js';
import type { Transitions } from './transitions.js';

/**
 * `ctx.elicit` for attempts running here: stores the question (the task is `input_required`),
 * waits for `answer` (from `manager.respond`, here or relayed), a timeout or an abort. A question
 * carried over a restart keeps its id, and an answer stored meanwhile is used at once.
 */
export class InputBroker {
  constructor(
    private readonly transitions: Transitions,
    private readonly report: (attempt: Attempt, body: TaskEventBody) => void,
  ) {}

  async ask(attempt: Attempt, ask: ElicitRequest): Promise<InputResponse> {
    if (attempt.settled) throw attempt.abortReason ?? new TaskCancelledError();
    if (attempt.pendingInput) throw new InputUnavailableError('The task already waits for an answer; ask one question at a time');
    const record = attempt.record;
    const carried = record.inputRequest && sameQuestion(record.inputRequest, ask) ? record.inputRequest : undefined;
    const request: InputRequest = carried ?? {
      id: newTaskId(),
      message: ask.message,
      ...(ask.schema !== undefined && { schema: ask.schema }),
      requestedAt: Date.now(),
      ...(ask.timeoutMs !== undefined && { expiresAt: Date.now() + ask.timeoutMs }),
    };
    const stored = record.inputResponse;
    if (stored && stored.requestId === request.id) {
      await this.transitions.inputSettled(record, request, stored);
      return unwrap(stored);
    }
    if (!(await this.transitions.inputRequested(record, request))) throw attempt.abortReason ?? new TaskCancelledError();
    const response = await new Promise<InputResponse>((resolve, reject) => {
      const remaining = request.expiresAt === undefined ? undefined : Math.max(0, request.expiresAt - Date.now());
      attempt.pendingInput = {
        request,
        resolve,
        reject,
        // Not unref'd: the task is waiting on it.
        timer: remaining === undefined ? undefined : setTimeout(() => this.expire(attempt, remaining), remaining),
      };
    });
    return unwrap(response);
  }

  /** Delivers an answer to the question the attempt waits on; false when it waits on another or none. */
  answer(attempt: Attempt, response: InputResponse): boolean {
    const pending = attempt.pendingInput;
    if (!pending || pending.request.id !== response.requestId || attempt.settled) return false;
    attempt.pendingInput = undefined;
    clearTimeout(pending.timer);
    this.transitions.inputSettled(attempt.record, pending.request, response).then(
      () => pending.resolve(response),
      (error: unknown) => pending.reject(error),
    );
    return true;
  }

  /** The attempt ended (cancel, timeout, shutdown): its wait rejects with the reason. */
  abandon(attempt: Attempt, reason: unknown): void {
    const pending = attempt.pendingInput;
    if (!pending) return;
    attempt.pendingInput = undefined;
    clearTimeout(pending.timer);
    pending.reject(reason);
  }

  private expire(attempt: Attempt, timeoutMs: number): void {
    const pending = attempt.pendingInput;
    if (!pending) return;
    attempt.pendingInput = undefined;
    const error = new InputTimeoutError(timeoutMs);
    this.transitions.inputSettled(attempt.record, pending.request, undefined).then(
      () => pending.reject(error),
      () => pending.reject(error),
    );
    this.report(attempt, { type: 'log', level: 'warning', message: `No answer to "${pending.request.message}" within ${timeoutMs} ms` });
  }
}

function sameQuestion(stored: InputRequest, ask: ElicitRequest): boolean {
  return stored.message === ask.message && JSON.stringify(stored.schema) === JSON.stringify(ask.schema);
}

/** An answer that says nobody can answer becomes the task's error. */
function unwrap(response: InputResponse): InputResponse {
  if (response.unavailable !== undefined) throw new InputUnavailableError(response.unavailable);
  return response;
}
