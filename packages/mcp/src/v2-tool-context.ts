import type { SeedTaskContext } from '@headway/core/compat';
import type { ServerContext } from '@modelcontextprotocol/server';

/**
 * What a Headway tool handler on an SDK v2 server receives as `ctx`: the core task context with
 * the seed's helpers, and the SDK's request context of the call that started the task.
 */
export interface V2ToolContext extends SeedTaskContext {
  /** The SDK's `ctx` of the request; undefined when the task runs again after a restart (no request). */
  readonly mcp: ServerContext | undefined;
}
