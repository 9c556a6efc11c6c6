import { InvalidArgumentError } from '@headway/core';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { toCallToolResult } from './task-view.js';

export interface StructuredOutputOptions {
  /** When the handler throws, answer with an `isError` result carrying `{ error, tool }` instead of failing the call. */
  fallbackOnError?: boolean;
}

/**
 * The seed's `@structured_output(name, fallback_on_error=True)`: wraps a handler so a plain
 * object it returns becomes `structuredContent` plus its JSON as text. With `fallbackOnError`,
 * a thrown error becomes an `isError` result, which still ends the task `failed`.
 */
export function structuredOutput(name: string, options: StructuredOutputOptions = {}) {
  if (typeof name !== 'string' || name.length === 0) throw new InvalidArgumentError('structuredOutput name', name, 'a non-empty string');
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('structuredOutput options', options, 'an object');
  const fallback = options.fallbackOnError ?? false;
  if (typeof fallback !== 'boolean') throw new InvalidArgumentError('fallbackOnError', fallback, 'true or false');
  return <A extends unknown[]>(handler: (...args: A) => unknown) => {
    if (typeof handler !== 'function') throw new InvalidArgumentError('handler', handler, 'a function');
    return async (...args: A): Promise<CallToolResult> => {
      try {
        return toCallToolResult(await handler(...args));
      } catch (error) {
        if (!fallback) throw error;
        const message = error instanceof Error ? error.message : String(error);
        return {
          content: [{ type: 'text', text: `${name} failed: ${message}` }],
          structuredContent: { error: message, tool: name },
          isError: true,
        };
      }
    };
  };
}
