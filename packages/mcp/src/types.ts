import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';

/** The SDK's `extra` as a tool handler receives it. */
export type McpExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

export { TOOL_MODES } from './tool-mode.js';
export type { ToolMode } from './tool-mode.js';
