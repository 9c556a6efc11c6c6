import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { errorCode, errorText } from './errors.js';
import type { Problem } from './errors.js';

/**
 * A JSON-RPC error whose wire `message` is the plain text: the SDK's `McpError` puts
 * `MCP error <code>: ` into its message, which the SDK sends as is and the client's `McpError`
 * prefixes again ("MCP error -32602: MCP error -32602: …").
 */
class PlainMcpError extends McpError {
  constructor(code: number, text: string) {
    super(code, text);
    this.message = text;
  }
}

/** A problem as a JSON-RPC error of SDK v1 (task-augmented calls, the `tasks/*` and `resources/*` methods). */
export function protocolError(problem: Problem): McpError {
  return new PlainMcpError(errorCode(problem), errorText(problem));
}
