// The demo's story, one step at a time. Each step prints its own lines (one per event worth
// telling) and draws a live bar per task while it runs.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { formatSeconds } from '../progress-bar.js';
import type { Bar, ProgressBoard } from '../progress-bar.js';
import type { BatchResult } from './batch-task.js';
import { followExtensionTask } from './extension-task.js';
import { callWithProgress, followToEnd, handleOf, taskStatus, watchStatus } from './follow.js';
import type { TaskView } from './follow.js';
import type { ServerProcess } from './server-process.js';

/** What a step works with. */
export interface Demo {
  /** The demo's client (SDK 1.x), connected. */
  readonly client: Client;
  /** Where the server's MCP endpoint is, and the Authorization header value it wants: for a step that brings a client of its own. */
  readonly mcpUrl: URL;
  readonly authorization: string;
  readonly board: ProgressBoard;
  /** The server process now. */
  readonly server: ServerProcess;
  /** Kills the server with SIGKILL and resolves once it is gone. */
  crashServer(): Promise<void>;
  /** Starts the server again, on the same port and data directory. */
  restartServer(): Promise<ServerProcess>;
}

export interface DemoStep {
  /** One line saying what the step shows. */
  readonly title: string;
  run(demo: Demo): Promise<void>;
}

const liveProgress: DemoStep = {
  title: "Live progress: two process_batch calls stay open, each streaming notifications/progress (each message is the server's status line: phase, counts, percent, ETA)",
  async run({ client, board }) {
    const batches = [
      { name: 'alpha', items: 24, itemMs: 60 },
      { name: 'beta', items: 32, itemMs: 70 },
    ];
    await Promise.all(
      batches.map(async (args) => {
        const bar = board.bar(args.name);
        const started = Date.now();
        const answer = await callWithProgress(client, 'process_batch', args, bar);
        const handle = handleOf(answer);
        // On a very slow machine the call may outlive the inline budget: it is then followed like step 2's.
        const result = handle ? await followToEnd(client, handle.taskId, bar) : answer;
        const how = handle ? 'in the background (slow machine: it outlived the inline budget)' : 'inline';
        bar.done(`    ✓ ${args.name}: completed ${how} in ${formatSeconds(Date.now() - started)}: ${batchOf(result).filesOnDisk} items written`);
      }),
    );
  },
};

const handleAfterBudget: DemoStep = {
  title: 'Past the inline budget: the same process_batch call answers with a task handle; task_status and task_wait follow the task',
  async run({ client, board }) {
    const args = { name: 'gamma', items: 70, itemMs: 100 };
    const bar = board.bar(args.name);
    const started = Date.now();
    const answer = await callWithProgress(client, 'process_batch', args, bar);
    const handle = handleOf(answer);
    if (!handle) throw new Error('process_batch finished inline; it was expected to outlive the inline budget and answer with a handle');
    board.print(`    → ${args.name}: the call answered after ${formatSeconds(Date.now() - started)} with a handle (promoted: ${handle.promoted}): task ${handle.taskId} is ${handle.status} at ${Math.floor(handle.progress)}%`);
    const result = batchOf(await followToEnd(client, handle.taskId, bar));
    bar.done(`    ✓ ${args.name}: completed in the background after ${formatSeconds(Date.now() - started)}; task_wait returned its result (${result.filesOnDisk} items written)`);
  },
};

const cancellation: DemoStep = {
  title: 'Cancellation: start_batch answers at once with a handle, then task_cancel stops the running task',
  async run({ client, board }) {
    const args = { name: 'delta', items: 200, itemMs: 50 };
    const { task, bar } = await startInBackground(client, board, args);
    await watchStatus(client, task.taskId, bar, (t) => t.progress >= 15);
    const answer = (await client.callTool({ name: 'task_cancel', arguments: { taskId: task.taskId, reason: 'Cancelled from the demo client' } })) as CallToolResult;
    const after = await taskStatus(client, task.taskId);
    if (after.status !== 'cancelled') throw new Error(`task_cancel left the task ${after.status}: ${textOf(answer)}`);
    bar.done(`    ✓ ${args.name}: task_cancel stopped it at ${Math.floor(after.progress)}%; task_status says ${after.status} (${after.error?.message ?? 'no reason'})`);
  },
};

const crashAndResume: DemoStep = {
  title: 'Crash and resume: the server is SIGKILLed mid-task and started again; the same client sees the same task resume from its checkpoint',
  async run(demo) {
    const { client, board } = demo;
    const args = { name: 'epsilon', items: 50, itemMs: 120 };
    const { task, bar } = await startInBackground(client, board, args);
    const before = await watchStatus(client, task.taskId, bar, (t) => t.progress >= 40);
    if (before.status !== 'working') throw new Error(`the task was ${before.status} before the crash; expected working`);
    const killed = demo.server.pid;
    await demo.crashServer();
    bar.update(before.progress, 'server down');
    board.print(`    ✗ server pid ${killed} killed with SIGKILL; ${args.name} was last seen at ${Math.floor(before.progress)}% (${before.statusMessage ?? 'working'}) and worked on until the kill`);
    const server = await demo.restartServer();
    const after = await taskStatus(client, task.taskId);
    board.print(`    ↻ server started again (pid ${server.pid}, same port, same store): task_status finds task ${after.taskId}, ${after.status} at ${Math.floor(after.progress)}%`);
    const result = batchOf(await followToEnd(client, task.taskId, bar));
    if (result.resumedFrom === undefined) throw new Error('the task ran again from the start; it was expected to resume from its checkpoint');
    bar.done(
      `    ✓ ${args.name}: completed, resumed from its checkpoint after item ${result.resumedFrom} of ${result.items} ` +
        `(${result.processedNow} items processed after the restart; ${result.filesOnDisk} of ${result.items} item files on disk)`,
    );
  },
};

const extensionTask: DemoStep = {
  title: 'Protocol 2026-07-28: a client that declares the tasks extension (SDK v2 + ext-tasks) makes the same long call and gets an extension task; tasks/get shows its status lines, then its result',
  async run({ mcpUrl, authorization, board }) {
    await followExtensionTask(mcpUrl, authorization, board, { name: 'zeta', items: 60, itemMs: 100 });
  },
};

/** The story, in order. */
export const DEMO_STEPS: readonly DemoStep[] = [liveProgress, handleAfterBudget, extensionTask, cancellation, crashAndResume];

async function startInBackground(client: Client, board: ProgressBoard, args: { name: string; items: number; itemMs: number }): Promise<{ task: TaskView; bar: Bar }> {
  const answer = (await client.callTool({ name: 'start_batch', arguments: args })) as CallToolResult;
  const task = handleOf(answer);
  if (!task) throw new Error(`start_batch did not answer with a handle: ${textOf(answer)}`);
  board.print(`    → ${args.name}: start_batch answered at once: task ${task.taskId} is ${task.status}`);
  return { task, bar: board.bar(args.name) };
}

function batchOf(result: CallToolResult): BatchResult {
  const content = result.structuredContent as BatchResult | undefined;
  if (result.isError || typeof content?.filesOnDisk !== 'number') throw new Error(`the batch did not complete: ${textOf(result)}`);
  return content;
}

function textOf(result: CallToolResult): string {
  return result.content.map((c) => (c.type === 'text' ? c.text : `[${c.type}]`)).join(' ');
}
