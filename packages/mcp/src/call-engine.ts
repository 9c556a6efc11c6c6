// What one tool call does, whatever the SDK and the wire: run inline (the request stays open and
// follows the task), become a task (answered at once with its id), or become a handle (answered
// at once, followed through the companion tools). The adapters (2025-11-25 on SDK v1, 2025-11-25
// and 2026-07-28 on SDK v2) decide how each outcome is encoded; this file knows no SDK.
import { TaskResultError, isTerminal } from '@headway/core';
import type { CreateTaskOptions, InputEvent, InputRequest, Reporter, RetryOptions, TaskContext, TaskEvent, TaskFunction, TaskManager, TaskSnapshot } from '@headway/core';
import { errorText, toolError } from './errors.js';
import type { Problem } from './errors.js';
import { toCallToolResult } from './task-view.js';
import type { ToolResult } from './task-view.js';
import type { ToolMode } from './tool-mode.js';

/** How a call starts: inline (until its budget, for `auto`), or answered at once as a task or a handle. */
export type CallStart = 'inline' | 'task' | 'handle';

/**
 * The route of a call. `taskRequested`: the client asked for a task (a 2025-11-25 `params.task`) or,
 * on 2026-07-28, declared the tasks extension for a `native` tool. A `native` tool called without
 * it is refused by the adapter before this (each wire has its own error).
 */
export function callStart(mode: ToolMode, taskRequested: boolean): CallStart {
  if (mode === 'handle') return 'handle';
  if (mode === 'native') return 'task';
  if (mode === 'auto' && taskRequested) return 'task';
  return 'inline';
}

/**
 * The task function of a tool: runs the handler, makes its value a tool result, and fails the task
 * (keeping the result) when the result has `isError` or its structured content fails the output schema.
 */
export function toolTaskFunction(toolName: string, run: (input: unknown, ctx: TaskContext) => unknown, checkOutput?: (result: ToolResult) => Promise<Problem | undefined>): TaskFunction {
  return async (input: unknown, ctx: TaskContext) => {
    const result = toCallToolResult(await run(input, ctx));
    if (result.isError) throw new TaskResultError(firstText(result) ?? `Tool ${toolName} reported an error`, result);
    const invalid = checkOutput ? await checkOutput(result) : undefined;
    if (invalid) throw new TaskResultError(errorText(invalid), toolError(invalid));
    return result;
  };
}

function firstText(result: ToolResult): string | undefined {
  for (const item of result.content) if (item.type === 'text') return item.text;
  return undefined;
}

/** What the task of one call is made of. */
export interface CallSpec {
  readonly kind: string;
  readonly owner: string;
  readonly input: unknown;
  readonly metadata: Record<string, unknown>;
  readonly reporters: readonly Reporter[];
  readonly resumable: boolean;
  readonly ttlMs?: number | undefined;
  readonly timeoutMs?: number | undefined;
  readonly retry?: RetryOptions | undefined;
}

/**
 * Creates the call's task and reads it back. It is in the store (durably, for durable stores)
 * before this resolves, so an answer carrying its id can go out. An inline call runs at once;
 * any other waits for `startAfterAnswer`.
 */
export async function createCallTask(manager: TaskManager, spec: CallSpec, fn: TaskFunction, start: CallStart): Promise<TaskSnapshot> {
  // Built field by field: this runs on every call, where conditional spreads allocate and copy.
  const options: CreateTaskOptions = {
    kind: spec.kind,
    input: spec.input,
    owner: spec.owner,
    metadata: spec.metadata,
    reporters: spec.reporters,
    resumable: spec.resumable,
  };
  if (start === 'inline') options.fn = fn;
  else options.deferred = true;
  if (spec.ttlMs !== undefined) options.ttlMs = spec.ttlMs;
  if (spec.timeoutMs !== undefined) options.timeoutMs = spec.timeoutMs;
  if (spec.retry !== undefined) options.retry = spec.retry;
  const handle = await manager.create(options);
  return (await manager.get(handle.id, { owner: spec.owner }))!;
}

/**
 * Runs a deferred task one macrotask later, so the answer that carries its id is written before
 * the work competes with it for the event loop. A task cancelled in between just stays cancelled.
 */
export function startAfterAnswer(manager: TaskManager, record: TaskSnapshot, fn: TaskFunction): void {
  setImmediate(() => {
    manager.execute(record.id, fn, undefined, { owner: record.owner }).catch(() => undefined);
  });
}

/**
 * Why an inline call stopped following its task: it `ended`; the `budget` passed; it asks a
 * question (`input`); or the wait ended before any of these (`stopped`): the request was cancelled
 * or closed, or the manager is shutting down (it releases every waiter).
 */
export type InlineEnd = 'ended' | 'budget' | 'input' | 'stopped';

export interface FollowOptions {
  readonly owner: string;
  /** The request's signal: when it aborts (the client cancelled or closed the stream), the task is cancelled. */
  readonly signal: AbortSignal;
  readonly cancelReason: string;
  /** `auto`: stop following after this long (the task keeps running). */
  readonly budgetMs?: number | undefined;
  /** Stop following when the task asks a question (the adapter answers with an input round or a task). */
  readonly questions?: QuestionWatch | undefined;
}

/**
 * Follows an inline call's task until it ends, the budget passes, or it asks a question (`input`:
 * `record.inputRequest` is the question). The request's abort cancels the task.
 */
export async function followInline(manager: TaskManager, record: TaskSnapshot, options: FollowOptions): Promise<{ record: TaskSnapshot; end: InlineEnd }> {
  const { owner, questions } = options;
  if (questions && record.status === 'input_required' && record.inputRequest && !questions.handled(record.inputRequest.id)) return { record, end: 'input' };
  const onAbort = () => void manager.cancel(record.id, { owner, reason: options.cancelReason }).catch(() => undefined);
  options.signal.addEventListener('abort', onAbort, { once: true });
  const stop = new AbortController();
  let asked = false;
  void questions?.next(stop.signal).then((question) => {
    if (question === undefined) return;
    asked = true;
    stop.abort();
  });
  // The budget is this timer, not the wait's own timeout, so a wait that ends early is told apart.
  let budgetPassed = false;
  const budget =
    options.budgetMs === undefined
      ? undefined
      : setTimeout(() => {
          budgetPassed = true;
          stop.abort();
        }, options.budgetMs);
  try {
    const latest = await manager.wait(record.id, { owner, signal: AbortSignal.any([options.signal, stop.signal]) });
    if (isTerminal(latest.status)) return { record: latest, end: 'ended' };
    if (asked) {
      const now = (await manager.get(record.id, { owner })) ?? latest;
      if (isTerminal(now.status)) return { record: now, end: 'ended' };
      if (now.inputRequest) return { record: now, end: 'input' };
    }
    return { record: latest, end: budgetPassed || asked ? 'budget' : 'stopped' };
  } finally {
    clearTimeout(budget);
    stop.abort();
    options.signal.removeEventListener('abort', onAbort);
  }
}

/** How long a finished inline call waits for its own sink to deliver the task's last progress and log lines. */
export const DRAIN_MS = 1_000;

/**
 * Waits until a finished inline call's sink has delivered the task's terminal event, and so every
 * event before it (the hub delivers to a reporter in order, asynchronously), or `ms` passed: the
 * answer must not overtake the call's last progress and log lines, nor wait on a stuck client.
 */
export async function drainSink(sink: { readonly terminal: Promise<void> }, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
    timer.unref?.();
  });
  try {
    await Promise.race([sink.terminal, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A reporter that tells an inline call its task asked a question (`ctx.elicit`), one question at a time. */
export class QuestionWatch implements Reporter {
  readonly name = 'mcp-question-watch';
  readonly eventTypes = ['input'] as const;
  private readonly queue: InputRequest[] = [];
  private waiter?: (request: InputRequest | undefined) => void;
  private readonly done = new Set<string>();

  onEvent(event: TaskEvent): void {
    if (event.type !== 'input') return;
    const input = event as InputEvent;
    if (input.state !== 'requested' || this.done.has(input.request.id)) return;
    if (this.waiter) this.waiter(input.request);
    else this.queue.push(input.request);
  }

  /** The next question not handled yet; undefined once `signal` aborts. */
  next(signal: AbortSignal): Promise<InputRequest | undefined> {
    while (this.queue.length > 0) {
      const queued = this.queue.shift()!;
      if (!this.done.has(queued.id)) return Promise.resolve(queued);
    }
    return new Promise((resolve) => {
      const finish = (request: InputRequest | undefined) => {
        this.waiter = undefined;
        signal.removeEventListener('abort', onAbort);
        resolve(request);
      };
      const onAbort = () => finish(undefined);
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiter = finish;
    });
  }

  /** Marks a question as answered (or passed on), so it does not stop the call again. */
  handle(id: string): void {
    this.done.add(id);
  }

  handled(id: string): boolean {
    return this.done.has(id);
  }
}
