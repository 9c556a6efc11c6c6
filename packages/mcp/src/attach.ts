import { InvalidArgumentError } from '@headway/core';
import type { TaskManager } from '@headway/core';
import type { McpServer, RegisteredTool } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { AnySchema, SchemaOutput, ShapeOutput, ZodRawShapeCompat } from '@modelcontextprotocol/sdk/server/zod-compat.js';
import { SetLevelRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { defineRecoveryKind } from './call-reporters.js';
import { registerCompanionTools } from './companion-tools.js';
import { LogLevels } from './log-levels.js';
import { installNativeTaskHandlers } from './native-tasks.js';
import { checkUnknownArguments, resolveOptions, resolveToolTask } from './options.js';
import type { HeadwayMcpOptions, HeadwayToolConfig } from './options.js';
import { OwnerResolver } from './owner.js';
import { BEARER_NOTE } from './owner-rule.js';
import { companionNames } from './companion-names.js';
import type { CompanionNames } from './companion-names.js';
import type { Runtime } from './runtime.js';
import { checkServer, connectedServerError } from './server-check.js';
import { ToolArguments } from './tool-args.js';
import { callTool, outputParser, recoveryFunction } from './tool-call.js';
import type { HeadwayTool, ToolHandler } from './tool-call.js';
import type { McpToolContext } from './tool-context.js';
import { installToolRouter } from './tool-router.js';
import type { ServedTool } from './tool-router.js';
import { installTaskResources } from './task-resources.js';
import { HeadwayTaskStore } from './task-store-adapter.js';
import { TASK_SUPPORT } from './tool-mode.js';
import type { McpExtra } from './types.js';
import { liveStatusMessageOf } from './task-status-line.js';

/** The arguments a handler receives for an input schema. */
export type ToolArgs<In> = In extends ZodRawShapeCompat ? ShapeOutput<In> : In extends AnySchema ? SchemaOutput<In> : Record<string, never>;

export type HeadwayToolHandler<In> = (args: ToolArgs<In>, ctx: McpToolContext) => unknown;

// Managers whose server already said that anonymous HTTP callers hold task ids as bearer capabilities.
const bearerNoted = new WeakSet<TaskManager>();

/** Says once per manager, on the first anonymous HTTP request, what the owner rule means for it. */
function noteBearer(manager: TaskManager): void {
  if (bearerNoted.has(manager)) return;
  bearerNoted.add(manager);
  process.stderr.write(`${BEARER_NOTE}\n`);
}

/** Headway attached to one McpServer; register long-running tools through it. */
export class HeadwayMcp {
  /** Headway's manager behind the SDK's `TaskStore` interface, scoped by owner. */
  readonly taskStore: HeadwayTaskStore;
  /** The companion tools' names (after the prefix). */
  readonly toolNames: CompanionNames;
  private readonly rt: Runtime;
  /** Every tool whose calls Headway serves (its own and the companion tools), by name. */
  private readonly served = new Map<string, ServedTool>();
  private routing = false;

  /** @internal use `attachHeadway`. */
  constructor(server: McpServer, options: HeadwayMcpOptions) {
    checkServer(server, 'v1');
    const resolved = resolveOptions(options);
    const names = companionNames(resolved.toolPrefix);
    this.taskStore = new HeadwayTaskStore(resolved.manager, {
      ownerOf: (owner) => owner ?? resolved.manager.defaultOwner,
      pollIntervalMs: resolved.pollIntervalMs,
      maxTtlMs: resolved.maxTtlMs,
    });
    this.rt = {
      server,
      options: resolved,
      owners: new OwnerResolver(resolved.principal, resolved.owner, () => noteBearer(resolved.manager)),
      levels: new LogLevels(resolved.logLevel),
      store: this.taskStore,
      names,
      view: { statusMessageOf: liveStatusMessageOf(resolved.manager), resources: resolved.resources },
    };
    this.toolNames = names;
    try {
      server.server.registerCapabilities({
        logging: {},
        tasks: { list: {}, cancel: {}, requests: { tools: { call: {} } } },
      });
    } catch (error) {
      throw connectedServerError(server, (error as Error).message);
    }
    server.server.setRequestHandler(SetLevelRequestSchema, async (request, extra) => {
      this.rt.levels.set(this.rt.owners.of(extra).sessionKey, request.params.level);
      return {};
    });
    installNativeTaskHandlers(this.rt);
    if (resolved.resources) installTaskResources(this.rt);
    if (resolved.companionTools) {
      registerCompanionTools(this.rt, (registered, name, run) =>
        this.serve({ name, taskSupport: 'forbidden', args: new ToolArguments(name, resolved.unknownArguments), registered, call: (args, _task, extra) => run(args, extra) }),
      );
    }
  }

  get manager(): TaskManager {
    return this.rt.options.manager;
  }

  /**
   * Registers a long-running tool: like `McpServer.registerTool`, plus a `task` block, and the
   * handler gets `(args, ctx)` with the core task context, `ctx.mcp` and the seed's helpers.
   * Returns the SDK's `RegisteredTool` (enable, disable, update).
   */
  registerTool<In extends ZodRawShapeCompat | AnySchema | undefined = undefined, Out extends ZodRawShapeCompat | AnySchema | undefined = undefined>(
    name: string,
    config: HeadwayToolConfig<In, Out>,
    handler: HeadwayToolHandler<In>,
  ): RegisteredTool {
    if (typeof name !== 'string' || !/^[A-Za-z0-9_.-]{1,128}$/.test(name)) {
      throw new InvalidArgumentError('tool name', name, '1–128 letters, digits, _, - or .');
    }
    if (this.served.has(name)) throw new InvalidArgumentError('tool name', name, 'a name not registered yet');
    if (typeof config !== 'object' || config === null) throw new InvalidArgumentError('tool config', config, 'an object');
    if (typeof handler !== 'function') throw new InvalidArgumentError('handler', handler, 'a function (args, ctx) => result');
    const task = resolveToolTask(name, config.task, this.rt.options);
    const unknownArguments = checkUnknownArguments('unknownArguments', config.unknownArguments, this.rt.options.unknownArguments);
    const tool: HeadwayTool = { name, task, ...outputParser(config.outputSchema), handler: handler as ToolHandler };
    defineRecoveryKind(this.rt.options.manager, task.kind, recoveryFunction(tool), { resumable: task.resumable, configured: this.rt.options.reporters });
    // A call that may answer with a handle cannot promise the output schema, so only inline and native advertise it.
    const advertiseOutput = task.mode === 'inline' || task.mode === 'native';
    const sdkConfig = {
      ...(config.title !== undefined && { title: config.title }),
      ...(config.description !== undefined && { description: config.description }),
      ...(config.inputSchema !== undefined && { inputSchema: config.inputSchema }),
      ...(advertiseOutput && config.outputSchema !== undefined && { outputSchema: config.outputSchema }),
      ...(config.annotations !== undefined && { annotations: config.annotations }),
      ...(config._meta !== undefined && { _meta: config._meta }),
    } as Parameters<McpServer['registerTool']>[1];
    // Called only on the public route (no tool router: see serve); the router serves calls otherwise.
    const registered = this.rt.server.registerTool(name, sdkConfig, ((_args: unknown, extra: McpExtra) =>
      callTool(this.rt, tool, _args, undefined, extra)) as Parameters<McpServer['registerTool']>[2]);
    const taskSupport = TASK_SUPPORT[task.mode];
    registered.execution = { taskSupport };
    this.serve({
      name,
      taskSupport,
      args: new ToolArguments(name, unknownArguments),
      registered,
      call: (args, taskParams, extra) => callTool(this.rt, tool, args, taskParams, extra),
    });
    return registered;
  }

  /** Serves the tool's calls through the tool router (installed with the first one, after the SDK's own tools/call handler). */
  private serve(tool: ServedTool): void {
    this.served.set(tool.name, tool);
    if (this.routing) return;
    this.routing = true;
    if (!installToolRouter(this.rt.server, this.served)) {
      // Public route: the SDK calls the tools' callbacks. Lost: task-augmented calls (native), and
      // the refusal of arguments the schema does not name.
      process.emitWarning('this @modelcontextprotocol/sdk has no tools/call handler Headway can route (tested with 1.32); Headway tools run through their SDK callbacks, without native tasks', { code: 'HEADWAY_MCP_SDK_SHAPE' });
    }
  }
}

/**
 * Attaches Headway to an McpServer (before `connect`): logging, native task methods, the
 * companion tools and `task://` resources. Register long-running tools with `registerTool`.
 */
export function attachHeadway(server: McpServer, options: HeadwayMcpOptions): HeadwayMcp {
  return new HeadwayMcp(server, options);
}
