import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';

/** The SDK's `extra` as a tool handler receives it. */
export type McpExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** How a tool is long-running; see the README's modes table. */
export type ToolMode = 'inline' | 'handle' | 'native' | 'auto';
export const TOOL_MODES: readonly ToolMode[] = ['inline', 'handle', 'native', 'auto'];
