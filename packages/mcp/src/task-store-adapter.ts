import { InvalidArgumentError, TaskManager, TaskResultError, isTerminal } from '@headway/core';
import type { CreateTaskOptions, TaskStore as McpTaskStore } from '@modelcontextprotocol/sdk/experimental/tasks/interfaces.js';
import type { Request, RequestId, Result, Task } from '@modelcontextprotocol/sdk/types.js';
import { errorText } from './errors.js';
import { clampTtl, checkMs } from './task-options.js';
import { finalToolResult, liveMcpTask } from './task-view.js';

/** A task this store was asked about is missing (or another owner's); worded like every "not found". */
export class TaskGoneError extends Error {
  constructor(readonly taskId: string) {
    super(errorText({ kind: 'task-not-found', taskId }));
    this.name = 'TaskGoneError';
  }
}

export interface HeadwayTaskStoreOptions {
  /** Maps the SDK's `sessionId` argument to a Headway owner. Default: `session:<id>`, or the manager's default owner. */
  ownerOf?: (sessionId: string | undefined) => string;
  /** Poll interval advertised on tasks, in ms. Default 1000. */
  pollIntervalMs?: number;
  /** Largest TTL a client may ask for; longer requests are shortened to it. Default 24 h. */
  maxTtlMs?: number;
}

/**
 * Headway's task manager behind the SDK's experimental `TaskStore` interface, so the SDK's own
 * task plumbing (`registerToolTask`, `tasks/*` handlers) reads and writes Headway tasks. Every
 * call is scoped to the owner its `sessionId` maps to; another owner's task is "not found".
 * Tasks created here are deferred: the SDK's tool code finishes them with `storeTaskResult`.
 */
export class HeadwayTaskStore implements McpTaskStore {
  private readonly ownerOf: (sessionId: string | undefined) => string;
  private readonly pollIntervalMs: number;
  private readonly maxTtlMs: number;

  constructor(
    readonly manager: TaskManager,
    options: HeadwayTaskStoreOptions = {},
  ) {
    if (!(manager instanceof TaskManager)) throw new InvalidArgumentError('manager', manager, 'a TaskManager from @headway/core');
    if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('options', options, 'an object');
    if (options.ownerOf !== undefined && typeof options.ownerOf !== 'function') throw new InvalidArgumentError('ownerOf', options.ownerOf, 'a function');
    this.ownerOf = options.ownerOf ?? ((sessionId) => (sessionId === undefined ? manager.defaultOwner : `session:${sessionId}`));
    this.pollIntervalMs = checkMs('pollIntervalMs', options.pollIntervalMs, 1_000);
    this.maxTtlMs = checkMs('maxTtlMs', options.maxTtlMs, 24 * 3_600_000);
  }

  async createTask(taskParams: CreateTaskOptions, requestId: RequestId, request: Request, sessionId?: string): Promise<Task> {
    const params = request.params as { name?: unknown; arguments?: unknown } | undefined;
    const kind = typeof params?.name === 'string' ? params.name : request.method;
    const handle = await this.manager.create({
      kind,
      owner: this.ownerOf(sessionId),
      deferred: true,
      ...(params?.arguments !== undefined && { input: params.arguments }),
      metadata: { requestId, method: request.method },
      ...(taskParams.ttl != null && { ttlMs: this.ttl(taskParams.ttl) }),
    });
    return this.require(handle.id, sessionId);
  }

  async getTask(taskId: string, sessionId?: string): Promise<Task | null> {
    const record = await this.manager.get(taskId, { owner: this.ownerOf(sessionId) });
    return record ? liveMcpTask(this.manager, record, this.pollIntervalMs) : null;
  }

  async storeTaskResult(taskId: string, status: 'completed' | 'failed', result: Result, sessionId?: string): Promise<void> {
    const owner = this.ownerOf(sessionId);
    await this.require(taskId, sessionId);
    const fn =
      status === 'completed'
        ? () => result
        : () => {
            throw new TaskResultError('The tool reported an error', result);
          };
    await this.manager.execute(taskId, fn, undefined, { owner });
    await this.manager.wait(taskId, { owner });
  }

  async getTaskResult(taskId: string, sessionId?: string): Promise<Result> {
    const record = await this.manager.get(taskId, { owner: this.ownerOf(sessionId) });
    if (!record) throw new TaskGoneError(taskId);
    if (!isTerminal(record.status)) throw new Error(`Task ${taskId} has no result yet (it is ${record.status})`);
    return finalToolResult(record);
  }

  async updateTaskStatus(taskId: string, status: Task['status'], statusMessage?: string, sessionId?: string): Promise<void> {
    const owner = this.ownerOf(sessionId);
    await this.require(taskId, sessionId);
    if (status === 'cancelled') {
      await this.manager.cancel(taskId, { owner, reason: statusMessage ?? 'Cancelled' });
    } else if (status === 'failed' || status === 'completed') {
      const message = statusMessage ?? status;
      await this.storeTaskResult(taskId, status, { content: [{ type: 'text', text: message }], ...(status === 'failed' && { isError: true }) }, sessionId);
    }
    // `working` and `input_required` are the manager's to set while it runs the task.
  }

  async listTasks(cursor?: string, sessionId?: string): Promise<{ tasks: Task[]; nextCursor?: string }> {
    const page = await this.manager.list({ owner: this.ownerOf(sessionId), ...(cursor !== undefined && { cursor }), limit: 100 });
    return {
      tasks: page.tasks.map((r) => liveMcpTask(this.manager, r, this.pollIntervalMs)),
      ...(page.nextCursor !== undefined && { nextCursor: page.nextCursor }),
    };
  }

  /** A TTL a client asked for, shortened to the maximum. */
  ttl(requested: number): number {
    return clampTtl(requested, this.maxTtlMs);
  }

  private async require(taskId: string, sessionId: string | undefined): Promise<Task> {
    const task = await this.getTask(taskId, sessionId);
    if (!task) throw new TaskGoneError(taskId);
    return task;
  }
}
