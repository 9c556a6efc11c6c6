// What the demo client does with a task, through the SDK's own Client: call a tool with a live bar,
// read a task's status, wait for its result with the companion tools.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Bar } from '../progress-bar.js';

/** A task as `task_status` and handle answers describe it (`structuredContent.task`). */
export interface TaskView {
  taskId: string;
  kind: string;
  status: 'queued' | 'working' | 'input_required' | 'completed' | 'failed' | 'cancelled';
  progress: number;
  statusMessage?: string;
  error?: { message: string };
}

const TERMINAL = new Set(['completed', 'failed', 'cancelled']);
const POLL_MS = 250;

export function isFinished(task: TaskView): boolean {
  return TERMINAL.has(task.status);
}

/**
 * Calls a tool; its progress notifications move `bar`, each one's message (the server's status line,
 * with the percent and ETA) its text. Resolves with the tool's answer.
 */
export async function callWithProgress(client: Client, name: string, args: Record<string, unknown>, bar: Bar): Promise<CallToolResult> {
  const result = await client.callTool({ name, arguments: args }, undefined, {
    onprogress: ({ progress, total, message }) => bar.update(total ? (progress / total) * 100 : progress, message),
    resetTimeoutOnProgress: true,
    timeout: 60_000,
  });
  return checked(name, result as CallToolResult);
}

/** The task of a handle answer, or undefined when the call answered with the tool's own result. */
export function handleOf(result: CallToolResult): (TaskView & { promoted: boolean }) | undefined {
  const content = result.structuredContent as { task?: TaskView; promoted?: boolean; follow?: unknown } | undefined;
  return content?.task && content.follow ? { ...content.task, promoted: content.promoted === true } : undefined;
}

/** `task_status`: the task as it is now. */
export async function taskStatus(client: Client, taskId: string): Promise<TaskView> {
  const result = checked('task_status', (await client.callTool({ name: 'task_status', arguments: { taskId } })) as CallToolResult);
  return (result.structuredContent as { task: TaskView }).task;
}

/** Polls `task_status` into `bar` (its `statusMessage` the bar's text) until `until(task)` holds; resolves with that task. */
export async function watchStatus(client: Client, taskId: string, bar: Bar, until: (task: TaskView) => boolean): Promise<TaskView> {
  for (;;) {
    const task = await taskStatus(client, taskId);
    bar.update(task.progress, task.statusMessage);
    if (until(task) || isFinished(task)) return task;
    await sleep(POLL_MS);
  }
}

/**
 * Follows a task to its end: `task_wait` holds a call open for the result (again while the task
 * runs on) and `task_status` moves the bar meanwhile. Resolves with the task's own result.
 */
export async function followToEnd(client: Client, taskId: string, bar: Bar): Promise<CallToolResult> {
  let done = false;
  const waiting = (async () => {
    try {
      for (;;) {
        const result = (await client.callTool({ name: 'task_wait', arguments: { taskId, timeoutSeconds: 30 } }, undefined, { timeout: 60_000 })) as CallToolResult;
        const still = result.structuredContent as { task?: TaskView } | undefined;
        if (!still?.task || isFinished(still.task)) return result;
      }
    } finally {
      done = true;
    }
  })();
  void waiting.catch(() => undefined); // it is awaited below; this only keeps an early exit from leaving it unhandled
  while (!done) {
    const task = await taskStatus(client, taskId);
    bar.update(task.progress, task.statusMessage);
    if (isFinished(task)) break;
    await sleep(POLL_MS);
  }
  return await waiting;
}

/** The answer, or an error with its text when it is an `isError` result. */
function checked(name: string, result: CallToolResult): CallToolResult {
  if (!result.isError) return result;
  const text = result.content.map((c) => (c.type === 'text' ? c.text : '')).join(' ');
  throw new Error(`${name} answered with an error: ${text}`);
}
