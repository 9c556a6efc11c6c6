import { getObjectShape, getParseErrorMessage, safeParseAsync } from '@modelcontextprotocol/sdk/server/zod-compat.js';
import type { AnySchema } from '@modelcontextprotocol/sdk/server/zod-compat.js';
import { issueText } from './errors.js';
import type { Problem, SchemaIssue } from './errors.js';

/** What happens to arguments a tool's input schema does not name. */
export type UnknownArguments = 'refuse' | 'strip';
export const UNKNOWN_ARGUMENTS: readonly UnknownArguments[] = ['refuse', 'strip'];

export type ParsedArguments = { ok: true; value: unknown } | { ok: false; problem: Problem };

/** The top-level argument names an object schema takes, unless it lets any through (passthrough, catchall). */
interface Keys {
  readonly known: ReadonlySet<string>;
  readonly closed: boolean;
}

/**
 * Validates a tool's arguments against the input schema the SDK registered for it (the SDK turns a
 * raw shape, `{}` included, into an object schema; `RegisteredTool.update` may replace it), and
 * refuses arguments the schema does not name unless the tool strips them. Every refusal is one
 * `invalid-arguments` problem listing all that is wrong.
 */
export class ToolArguments {
  private schema: AnySchema | undefined;
  private keys: Keys | undefined;

  constructor(
    readonly tool: string,
    private readonly unknown: UnknownArguments,
  ) {}

  async parse(schema: AnySchema | undefined, args: Record<string, unknown> | undefined): Promise<ParsedArguments> {
    const input = args ?? {};
    const keys = this.keysOf(schema);
    const unknownNames = this.unknown === 'refuse' && keys?.closed ? Object.keys(input).filter((k) => !keys.known.has(k)) : [];
    const issues = unknownNames.length > 0 ? [unknownIssue(unknownNames, keys!.known)] : [];
    let value: unknown = {};
    if (schema) {
      const parsed = await safeParseAsync(schema, input);
      if (parsed.success) value = parsed.data;
      // An unknown argument is already named above, also where the schema itself is strict.
      else issues.push(...issuesOf(parsed.error).filter((issue) => !(unknownNames.length > 0 && issue.code === 'unrecognized_keys')).map((i) => i.text));
    }
    if (issues.length > 0) return { ok: false, problem: { kind: 'invalid-arguments', tool: this.tool, issues } };
    return { ok: true, value };
  }

  /** No schema: the tool takes no arguments. Cached per schema object (one per registration or update). */
  private keysOf(schema: AnySchema | undefined): Keys | undefined {
    if (schema !== this.schema || (schema === undefined && this.keys === undefined)) {
      this.schema = schema;
      this.keys = schema === undefined ? { known: new Set(), closed: true } : objectKeys(schema);
    }
    return this.keys;
  }
}

function objectKeys(schema: AnySchema): Keys | undefined {
  const shape = getObjectShape(schema);
  if (!shape) return undefined; // not an object schema (a union, a refinement): it validates as it is
  return { known: new Set(Object.keys(shape)), closed: !letsUnknownKeysThrough(schema) };
}

/** Zod 3: `.passthrough()` or `.catchall(x)`; Zod 4: `z.looseObject`, `.catchall(x)` (a strict object's catchall is `never`). */
function letsUnknownKeysThrough(schema: AnySchema): boolean {
  const v4 = (schema as { _zod?: { def?: { catchall?: { _zod?: { def?: { type?: string } } } } } })._zod;
  if (v4) {
    const catchall = v4.def?.catchall;
    return catchall !== undefined && catchall._zod?.def?.type !== 'never';
  }
  const def = (schema as { _def?: { unknownKeys?: string; catchall?: { _def?: { typeName?: string } } } })._def;
  return def?.unknownKeys === 'passthrough' || (def?.catchall !== undefined && def.catchall._def?.typeName !== 'ZodNever');
}

function unknownIssue(names: readonly string[], known: ReadonlySet<string>): string {
  const listed = names.map((n) => JSON.stringify(n)).join(', ');
  const takes = known.size === 0 ? 'this tool takes no arguments' : `known arguments: ${[...known].join(', ')}`;
  return `unknown argument${names.length > 1 ? 's' : ''} ${listed} (${takes})`;
}

interface Issue {
  code?: string;
  text: string;
}

/** The issues' texts, for a problem. */
export function issueTexts(error: unknown): string[] {
  return issuesOf(error).map((issue) => issue.text);
}

/**
 * The SDK's `maxToolInputElements` check (array elements and object members of the whole
 * arguments payload), which Headway's served tools must make too: the first issue, or undefined.
 */
export function elementLimitIssue(args: unknown, max: number | undefined): string | undefined {
  if (max === undefined) return undefined;
  let count = 0;
  const stack = [args];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object') continue;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (++count > max) return `arguments contain more than the maximum of ${max} elements`;
      if (child !== null && typeof child === 'object') stack.push(child);
    }
  }
  return undefined;
}

/** Zod 3 and 4 issues as `path: message` (`items[2].name: Required`); other errors as their message. */
function issuesOf(error: unknown): Issue[] {
  const issues = (error as { issues?: unknown } | undefined)?.issues;
  if (!Array.isArray(issues) || issues.length === 0) return [{ text: getParseErrorMessage(error) }];
  return issues.map((issue: SchemaIssue & { code?: string }) => ({ ...(issue.code !== undefined && { code: issue.code }), text: issueText(issue) }));
}
