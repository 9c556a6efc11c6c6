import { seedContext } from '@headway/core/compat';
import type { SeedLogOptions, SeedTaskContext } from '@headway/core/compat';
import type { Reporter, TaskContext } from '@headway/core';
import type { McpExtra } from './types.js';

/** Options of the seed-style logging helpers (`ctx.info(message, { loggerName })`). */
export type LogOptions = SeedLogOptions;

/**
 * What a Headway tool handler receives as `ctx`: the core task context, the SDK's `extra` of
 * the request that started the task, and the seed's helpers (`ctx.info`, `ctx.reportProgress`).
 */
export interface McpToolContext extends SeedTaskContext {
  /** The SDK's request `extra`; undefined when the task runs again after a restart (no request). */
  readonly mcp: McpExtra | undefined;
  /** Sinks that follow this request: pass `ctx` as `context` to `createContextAwareTask`. */
  readonly reporters: readonly Reporter[];
}

export function createToolContext(ctx: TaskContext, mcp: McpExtra | undefined, reporters: readonly Reporter[]): McpToolContext {
  return Object.assign(seedContext(ctx), { mcp, reporters });
}
