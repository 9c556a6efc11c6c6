import type { McpServer, RegisteredTool } from '@modelcontextprotocol/sdk/server/mcp.js';
import { CallToolRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import type { CallToolResult, CreateTaskResult, JSONRPCRequest, TaskMetadata, ToolExecution } from '@modelcontextprotocol/sdk/types.js';
import { problemOf, toolError } from './errors.js';
import { protocolError } from './v1-errors.js';
import type { Problem } from './errors.js';
import { maxToolInputElements, wrapRequestHandler } from './sdk-internals.js';
import { elementLimitIssue, issueTexts } from './tool-args.js';
import type { ToolArguments } from './tool-args.js';
import type { McpExtra } from './types.js';

/** A tool whose `tools/call` Headway serves itself: its long-running tools and the companion tools. */
export interface ServedTool {
  readonly name: string;
  readonly taskSupport: NonNullable<ToolExecution['taskSupport']>;
  readonly args: ToolArguments;
  /** The SDK's registration (enabled flag, input schema). */
  readonly registered: RegisteredTool;
  /** Runs a call whose arguments passed and whose task augmentation fits the tool. */
  call(args: unknown, task: TaskMetadata | undefined, extra: McpExtra): Promise<CallToolResult | CreateTaskResult>;
}

type RawHandler = (request: JSONRPCRequest, extra: McpExtra) => Promise<unknown>;

/**
 * Wraps the SDK's `tools/call` handler: calls of served tools are refused or run here (the SDK
 * cannot show a tool callback whether the call was task-augmented, and it runs a task-augmented
 * call of a tool that does not support it before failing it); every other tool goes to the SDK
 * unchanged. Like the SDK, a plain call answers a refusal or an error as an `isError` tool result,
 * a task-augmented one as a JSON-RPC error; both say it in the words of `errorText`.
 */
export function installToolRouter(server: McpServer, served: ReadonlyMap<string, ServedTool>): boolean {
  // McpServer's `maxToolInputElements` option, which its own validation applies.
  const maxElements = maxToolInputElements(server);
  return wrapRequestHandler<RawHandler>(server.server, 'tools/call', (original) => async (request: JSONRPCRequest, extra: McpExtra) => {
    const name = (request.params as { name?: unknown } | undefined)?.name;
    const tool = typeof name === 'string' ? served.get(name) : undefined;
    if (!tool) return original(request, extra);
    const parsed = CallToolRequestSchema.safeParse(request);
    if (!parsed.success) throw protocolError({ kind: 'invalid-request', method: 'tools/call', issues: issueTexts(parsed.error) });
    const { arguments: args, task } = parsed.data.params;
    const refuse = (problem: Problem): CallToolResult => {
      if (task) throw protocolError(problem);
      return toolError(problem);
    };
    if (!tool.registered.enabled) return refuse({ kind: 'tool-disabled', tool: tool.name });
    if (task && tool.taskSupport === 'forbidden') return refuse({ kind: 'task-forbidden', tool: tool.name });
    if (!task && tool.taskSupport === 'required') return refuse({ kind: 'task-required', tool: tool.name });
    const tooMany = elementLimitIssue(args, maxElements);
    if (tooMany) return refuse({ kind: 'invalid-arguments', tool: tool.name, issues: [tooMany] });
    const input = await tool.args.parse(tool.registered.inputSchema, args);
    if (!input.ok) return refuse(input.problem);
    try {
      return await tool.call(input.value, task, extra);
    } catch (error) {
      return refuse(problemOf(error));
    }
  });
}
