// Arguments and output of a Headway tool on SDK v2, checked through its Standard Schemas.
import type { StandardSchemaWithJSON } from '@modelcontextprotocol/server';
import { issueText } from './errors.js';
import type { Problem } from './errors.js';
import type { ToolResult } from './task-view.js';

export async function validateArguments(tool: string, schema: StandardSchemaWithJSON | undefined, args: unknown): Promise<{ ok: true; value: unknown } | { ok: false; problem: Problem }> {
  if (!schema) return { ok: true, value: args ?? {} };
  const result = await schema['~standard'].validate(args ?? {});
  if (result.issues) return { ok: false, problem: { kind: 'invalid-arguments', tool, issues: result.issues.map(issueText) } };
  return { ok: true, value: (result as { value: unknown }).value };
}

export async function checkOutput(tool: string, schema: StandardSchemaWithJSON, result: ToolResult): Promise<Problem | undefined> {
  if (!result.structuredContent) return { kind: 'invalid-output', tool, issues: ['it has an output schema but returned no structured content'] };
  const checked = await schema['~standard'].validate(result.structuredContent);
  if (!checked.issues) return undefined;
  return { kind: 'invalid-output', tool, issues: checked.issues.map(issueText) };
}
