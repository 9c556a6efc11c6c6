// An example tool written once, registered on either binding: SDK v1 (`@headway/mcp`) or SDK v2
// (`@headway/mcp/v2`). Its input is a zod/v4 shape: SDK v1 takes it as is; SDK v2 takes a
// Standard Schema with JSON Schema, built here from the same shape (unknown arguments refused).
import type { SeedTaskContext } from '@headway/core/compat';
import { structuredOutput } from '@headway/mcp';
import type { HeadwayMcp, ToolTaskOptions } from '@headway/mcp';
import type { HeadwayMcpV2 } from '@headway/mcp/v2';
import type { StandardSchemaWithJSON } from '@modelcontextprotocol/server';
import { z } from 'zod/v4';

export interface ExampleTool {
  name: string;
  config: {
    title: string;
    description: string;
    input: z.ZodRawShape;
    annotations: { title: string; readOnlyHint: boolean; destructiveHint: boolean; idempotentHint: boolean; openWorldHint: boolean };
    task: ToolTaskOptions;
  };
  /** The tool's body; its answer is the structured result. */
  run(args: unknown, ctx: SeedTaskContext): Promise<Record<string, unknown>>;
}

/** Registers `tools` on the SDK v1 binding (a thrown error is an `isError` result). */
export function registerExampleTools(headway: HeadwayMcp, tools: readonly ExampleTool[]): void {
  for (const { name, config, run } of tools) {
    const { input, ...rest } = config;
    headway.registerTool(name, { ...rest, inputSchema: input }, structuredOutput(name, { fallbackOnError: true })(async (args: unknown, ctx: SeedTaskContext) => run(args, ctx)));
  }
}

/** Registers `tools` on the SDK v2 binding. */
export function registerExampleToolsV2(headway: HeadwayMcpV2, tools: readonly ExampleTool[]): void {
  for (const { name, config, run } of tools) {
    const { input, ...rest } = config;
    headway.registerTool(name, { ...rest, inputSchema: standardSchemaOf(input) }, async (args, ctx) => run(args, ctx));
  }
}

/** A strict zod/v4 object as SDK v2 takes schemas: validation plus its JSON Schema. */
export function standardSchemaOf(shape: z.ZodRawShape): StandardSchemaWithJSON<Record<string, unknown>, Record<string, unknown>> {
  const schema = z.strictObject(shape);
  const input = z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>;
  const output = z.toJSONSchema(schema, { io: 'output' }) as Record<string, unknown>;
  delete input.$schema;
  delete output.$schema;
  return {
    '~standard': {
      ...(schema['~standard'] as StandardSchemaWithJSON<Record<string, unknown>, Record<string, unknown>>['~standard']),
      jsonSchema: { input: () => input, output: () => output },
    },
  } as StandardSchemaWithJSON<Record<string, unknown>, Record<string, unknown>>;
}
