// Headway on an SDK v2 McpServer (`@modelcontextprotocol/server` 2.x), one instance per serving
// unit (createMcpHandler builds one per HTTP request): task state lives in the manager and its
// store, never in an instance. The era of the instance picks the wire: 2026-07-28 with the tasks
// extension (`modern`), or 2025-11-25 with its native tasks (`legacy`).
import { InvalidArgumentError } from '@headway/core';
import type { TaskManager as Manager } from '@headway/core';
import { ProtocolError } from '@modelcontextprotocol/server';
import type { McpServer, RegisteredTool, ServerContext, StandardSchemaWithJSON, ToolAnnotations } from '@modelcontextprotocol/server';
import { defineRecoveryKind } from './call-reporters.js';
import { errorCode, errorText, problemOf } from './errors.js';
import type { Problem } from './errors.js';
import { declaresTasksExtension, missingTasksExtensionError, tasksExtensionCapability } from './ext-tasks-negotiation.js';
import type { CompanionNames } from './companion-names.js';
import { allowNonFinalToolResults, wrapRequestHandler } from './sdk-internals.js';
import { resolveToolTask } from './task-options.js';
import type { ToolTaskOptions } from './task-options.js';
import type { ToolResult } from './task-view.js';
import { TASK_SUPPORT } from './tool-mode.js';
import { registerCompanionToolsV2 } from './v2-companion-tools.js';
import { installExtensionMethods } from './v2-ext-methods.js';
import { installLegacyTaskMethods } from './v2-legacy-tasks.js';
import type { V2Runtime } from './v2-runtime.js';
import { callToolV2, recoveryFunctionV2 } from './v2-tool-call.js';
import type { V2Tool } from './v2-tool-call.js';
import type { V2ToolContext } from './v2-tool-context.js';
import { resolveRuntime } from './v2-options.js';
import { checkServer } from './server-check.js';
import type { HeadwayV2Options } from './v2-options.js';
import { checkOutput, validateArguments } from './v2-schemas.js';

export type { HeadwayV2Options } from './v2-options.js';

/** A tool's config: McpServer's, plus the `task` block. Schemas are the SDK's (Standard Schema with JSON Schema). */
export interface HeadwayV2ToolConfig<In extends StandardSchemaWithJSON | undefined = StandardSchemaWithJSON | undefined> {
  title?: string;
  description?: string;
  inputSchema?: In;
  outputSchema?: StandardSchemaWithJSON;
  annotations?: ToolAnnotations;
  _meta?: Record<string, unknown>;
  task?: ToolTaskOptions;
}

/** The arguments a handler receives for an input schema. */
export type V2ToolArgs<In> = In extends StandardSchemaWithJSON ? StandardSchemaWithJSON.InferOutput<In> : Record<string, never>;

export type HeadwayV2ToolHandler<In = undefined> = (args: V2ToolArgs<In>, ctx: V2ToolContext) => unknown;

/** Task and handle answers: not the tool's final result, so its output schema does not apply. */
const nonFinal = new WeakSet<object>();

/** Headway attached to one SDK v2 McpServer; register long-running tools through it. */
export class HeadwayMcpV2 {
  readonly toolNames: CompanionNames;
  private readonly rt: V2Runtime;
  private readonly tools = new Map<string, { tool: V2Tool; registered: RegisteredTool }>();
  private readonly outputRoute: boolean;

  /** @internal use `attachHeadway` from `@headway/mcp/v2`. */
  constructor(
    private readonly server: McpServer,
    options: HeadwayV2Options,
  ) {
    checkServer(server, 'v2');
    this.rt = resolveRuntime(options);
    this.toolNames = this.rt.names;
    const era = this.rt.era;
    // Logging as on SDK 1.x: without the capability SDK v2 drops every log line (ctx.log, lifecycle
    // lines) and answers `logging/setLevel` with "Method not found".
    server.server.registerCapabilities({
      logging: {},
      ...(era === 'modern' ? tasksExtensionCapability() : { tasks: { list: {}, cancel: {}, requests: { tools: { call: {} } } } }),
    });
    if (era === 'modern') installExtensionMethods(server.server, this.rt);
    else installLegacyTaskMethods(server.server, this.rt);
    this.outputRoute = allowNonFinalToolResults(server, (result) => !(typeof result === 'object' && result !== null && nonFinal.has(result)));
    if (this.rt.companionTools) registerCompanionToolsV2(server, this.rt);
    this.installFront();
  }

  get manager(): Manager {
    return this.rt.manager;
  }

  /**
   * Registers a long-running tool: like `McpServer.registerTool`, plus a `task` block; the handler
   * gets `(args, ctx)` with the core task context and `ctx.mcp`, the SDK's request context.
   */
  registerTool<In extends StandardSchemaWithJSON | undefined = undefined>(name: string, config: HeadwayV2ToolConfig<In>, handler: HeadwayV2ToolHandler<In>): RegisteredTool {
    if (typeof name !== 'string' || !/^[A-Za-z0-9_.-]{1,128}$/.test(name)) throw new InvalidArgumentError('tool name', name, '1–128 letters, digits, _, - or .');
    if (this.tools.has(name)) throw new InvalidArgumentError('tool name', name, 'a name not registered yet');
    if (typeof config !== 'object' || config === null) throw new InvalidArgumentError('tool config', config, 'an object');
    if (typeof handler !== 'function') throw new InvalidArgumentError('handler', handler, 'a function (args, ctx) => result');
    const task = resolveToolTask(name, config.task, { inlineBudgetMs: this.rt.inlineBudgetMs });
    const outputSchema = config.outputSchema;
    const tool: V2Tool = { name, task, handler: handler as V2Tool['handler'], ...(outputSchema && { checkOutput: (result: ToolResult) => checkOutput(name, outputSchema, result) }) };
    defineRecoveryKind(this.rt.manager, task.kind, recoveryFunctionV2(tool), { resumable: task.resumable, configured: this.rt.reporters });
    // Without the output route, only a tool that always answers with its final result can advertise its schema.
    const advertiseOutput = this.outputRoute || task.mode === 'inline';
    const sdkConfig = {
      ...(config.title !== undefined && { title: config.title }),
      ...(config.description !== undefined && { description: config.description }),
      ...(config.inputSchema !== undefined && { inputSchema: config.inputSchema }),
      ...(advertiseOutput && outputSchema !== undefined && { outputSchema }),
      ...(config.annotations !== undefined && { annotations: config.annotations }),
      ...(config._meta !== undefined && { _meta: config._meta }),
    };
    const call = async (args: unknown, ctx: ServerContext) => {
      const answer = await callToolV2(this.rt, tool, args, ctx);
      if (answer.resultType === 'task' || isHandle(answer)) nonFinal.add(answer);
      return answer;
    };
    // The SDK calls a tool with an input schema as (args, ctx), one without as (ctx).
    const callback = config.inputSchema === undefined ? (ctx: ServerContext) => call({}, ctx) : call;
    const registered = this.server.registerTool(name, sdkConfig as { inputSchema?: StandardSchemaWithJSON }, callback as never);
    if (this.rt.era === 'legacy') registered.execution = { taskSupport: TASK_SUPPORT[task.mode] };
    this.tools.set(name, { tool, registered });
    return registered;
  }

  /**
   * In front of McpServer's tools/call: the answers a tool callback cannot give. On 2026-07-28 the
   * JSON-RPC error -32021 for a `native` tool from a client without the extension (McpServer turns
   * a thrown error into an `isError` result); on 2025-11-25 a task-augmented call (the callback
   * does not see `params.task`). Without the front (a changed SDK), the first answers as an `isError`
   * result and 2025-11-25 task-augmented calls run inline.
   */
  private installFront(): void {
    type Handler = (request: { params?: { name?: unknown; arguments?: unknown; task?: { ttl?: number } } }, ctx: ServerContext) => Promise<unknown>;
    wrapRequestHandler<Handler>(this.server.server, 'tools/call', (original) => async (request, ctx) => {
      const name = request.params?.name;
      const entry = typeof name === 'string' ? this.tools.get(name) : undefined;
      if (!entry || !entry.registered.enabled) return original(request, ctx);
      const { tool, registered } = entry;
      if (this.rt.era === 'modern') {
        if (tool.task.mode === 'native' && !declaresTasksExtension(ctx.mcpReq.envelope)) {
          const error = missingTasksExtensionError(`Tool ${tool.name} runs only as a task: declare the io.modelcontextprotocol/tasks extension in the request's client capabilities`);
          throw new ProtocolError(error.code, error.message, error.data);
        }
        return original(request, ctx);
      }
      const task = request.params?.task;
      if (task === undefined) return original(request, ctx);
      if (TASK_SUPPORT[tool.task.mode] === 'forbidden') return fail({ kind: 'task-forbidden', tool: tool.name });
      const args = await validateArguments(tool.name, registered.inputSchema, request.params?.arguments);
      if (!args.ok) return fail(args.problem);
      try {
        return await callToolV2(this.rt, tool, args.value, ctx, { ttl: typeof task?.ttl === 'number' ? task.ttl : undefined });
      } catch (error) {
        if (error instanceof ProtocolError) throw error;
        return fail(problemOf(error));
      }
    });
  }
}

/** Attaches Headway to an SDK v2 McpServer (in the factory, before the instance serves). */
export function attachHeadway(server: McpServer, options: HeadwayV2Options): HeadwayMcpV2 {
  return new HeadwayMcpV2(server, options);
}

function fail(problem: Problem): never {
  throw new ProtocolError(errorCode(problem), errorText(problem));
}

function isHandle(answer: Record<string, unknown>): boolean {
  const structured = answer.structuredContent as { follow?: unknown } | undefined;
  return typeof structured?.follow === 'object' && structured.follow !== null;
}
