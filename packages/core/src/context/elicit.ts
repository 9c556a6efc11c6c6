import { InvalidArgumentError } from '../errors.js';
import { checkNonEmptyString, checkPlainObject, checkPositive } from '../validate.js';

/** What `ctx.elicit` asks: a message for a person and, optionally, the form of the answer. */
export interface ElicitRequest {
  message: string;
  /**
   * JSON Schema of the answer: an object schema whose properties are strings, numbers, integers,
   * booleans or enums (what MCP form elicitation carries).
   */
  schema?: Readonly<Record<string, unknown>>;
  /** Give up after this long (the elicit rejects with `InputTimeoutError`). Default: wait until answered or cancelled. */
  timeoutMs?: number;
}

/** The answer to `ctx.elicit`. */
export interface ElicitResult<T extends Record<string, unknown> = Record<string, unknown>> {
  readonly action: 'accept' | 'decline' | 'cancel';
  /** The answered fields, with `accept`. */
  readonly content?: Readonly<T>;
}

const MAX_MESSAGE = 4096;

/** Validates an elicit request; returns it normalised (no undefined fields). */
export function checkElicitRequest(request: unknown): ElicitRequest {
  checkPlainObject('elicit request', request);
  const { message, schema, timeoutMs } = request as ElicitRequest;
  checkNonEmptyString('message', message, MAX_MESSAGE);
  if (schema !== undefined) {
    checkPlainObject('schema', schema);
    if (schema.type !== 'object' || typeof schema.properties !== 'object' || schema.properties === null) {
      throw new InvalidArgumentError('schema', schema, 'a JSON Schema of type "object" with properties');
    }
  }
  if (timeoutMs !== undefined) checkPositive('timeoutMs', timeoutMs);
  return { message, ...(schema !== undefined && { schema }), ...(timeoutMs !== undefined && { timeoutMs }) };
}
