// @headway/mcp/v2: Headway on the SDK v2 McpServer (`@modelcontextprotocol/server` 2.x), both
// protocol generations: 2026-07-28 with the tasks extension, and 2025-11-25 with native tasks.
export { attachHeadway, HeadwayMcpV2 } from './v2-attach.js';
export type { HeadwayV2Options, HeadwayV2ToolConfig, HeadwayV2ToolHandler, V2ToolArgs } from './v2-attach.js';
export type { V2ToolContext } from './v2-tool-context.js';
export { createHttpHandler } from './v2-http.js';
export type { HttpHandler, HttpHandlerOptions } from './v2-http.js';
export { toNodeListener } from './node-http-adapter.js';
export type { OwnerFunction, OwnerRequest } from './owner-rule.js';
export type { ToolTaskOptions } from './task-options.js';
export type { ToolMode } from './tool-mode.js';
export { createHttpRawDispatch } from './http-raw-dispatch.js';
export type { HttpRawDispatchOptions, RawDispatch, RawDispatchCallOptions, RawDispatchResponse } from './http-raw-dispatch.js';
