import { InvalidArgumentError } from '../errors.js';
import type { InputResponse } from '../task-record.js';
import { checkNonEmptyString, checkPlainObject } from '../validate.js';

const ACTIONS = ['accept', 'decline', 'cancel'] as const;

/** Validates an answer given to `manager.respond`; returns it without stray fields. */
export function checkInputResponse(response: unknown): InputResponse {
  checkPlainObject('response', response);
  const { requestId, action, content, unavailable } = response as InputResponse;
  checkNonEmptyString('requestId', requestId);
  if (!ACTIONS.includes(action)) throw new InvalidArgumentError('action', action, ACTIONS.join(', '));
  if (content !== undefined) {
    checkPlainObject('content', content);
    if (action !== 'accept') throw new InvalidArgumentError('content', content, 'no content unless the action is accept');
  }
  if (unavailable !== undefined) {
    checkNonEmptyString('unavailable', unavailable, 4096);
    if (action !== 'cancel') throw new InvalidArgumentError('unavailable', unavailable, 'only with the action cancel');
  }
  return {
    requestId,
    action,
    ...(content !== undefined && { content }),
    ...(unavailable !== undefined && { unavailable }),
  };
}
