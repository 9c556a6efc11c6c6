// A message belongs to the phase that set it: once a phase starts, the status of a task names the
// phase without the message from before it ("Deleting subjects – Found 42 subjects" would say the
// phase found them), until the phase says something of its own. On both bindings' tasks/get.
import { afterEach, describe, it } from 'vitest';
import type { TaskContext } from '@headway/core';
import { CreateTaskResultSchema } from '@modelcontextprotocol/sdk/types.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { eventually, inMemory } from './support/harness.js';
import type { InMemorySetup } from './support/harness.js';
import { v2InProcessPerTest } from './support/v2-in-process.js';
import { callTool, taskRequest } from './support/wire.js';

/** Points a handler waits at, opened one by one by the test. */
class Steps {
  private readonly opens: (() => void)[] = [];
  private readonly reached: Promise<void>[];

  constructor(count: number) {
    this.reached = Array.from({ length: count }, () => new Promise<void>((resolve) => this.opens.push(resolve)));
  }

  at(step: number): Promise<void> {
    return this.reached[step]!;
  }

  open(step: number): void {
    this.opens[step]!();
  }
}

/** A message, then a phase of four items: the first without a message, the second with one; then it waits to be cancelled. */
async function countSubjects(ctx: TaskContext, steps: Steps): Promise<never> {
  ctx.progress.update(10, 'Found 42 subjects');
  await steps.at(0);
  return ctx.progress.phase('Deleting subjects', { total: 4, to: 90 }, async (phase) => {
    await steps.at(1);
    phase.updateItem(0);
    await steps.at(2);
    phase.updateItem(1, 'Deleted orders-value');
    return new Promise<never>((_resolve, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason as Error), { once: true }));
  });
}

/** Opens each step in turn and waits until the status says what it should then. */
async function walk(steps: Steps, statusMessage: () => Promise<string | undefined>, expected: readonly RegExp[]): Promise<void> {
  let seen: string | undefined;
  for (const [step, line] of expected.entries()) {
    if (step > 0) steps.open(step - 1);
    await eventually(async () => line.test((seen = await statusMessage()) ?? ''), 5_000).catch(() => {
      throw new Error(`step ${step}: expected a statusMessage matching ${line}, last saw ${JSON.stringify(seen)}`);
    });
  }
}

describe('the status of a task once a phase started', () => {
  let setup: InMemorySetup | undefined;
  afterEach(async () => {
    await setup?.close();
    setup = undefined;
  });

  it('SDK v1: tasks/get shows the phase without the message from before it', async () => {
    setup = await inMemory();
    const steps = new Steps(3);
    setup.headway.registerTool('count_subjects', { description: 'Finds subjects, then deletes them.', task: { mode: 'native' } }, (_args, ctx) => countSubjects(ctx, steps));
    const { client } = setup;
    const created = await client.request({ method: 'tools/call', params: { name: 'count_subjects', arguments: {}, task: { ttl: 60_000 } } }, CreateTaskResultSchema);
    const id = created.task.taskId;
    await walk(steps, async () => (await client.experimental.tasks.getTask(id)).statusMessage, [
      /^10%: Found 42 subjects$/,
      /^10%: Deleting subjects$/,
      /^30%: Deleting subjects$/,
      /^50%: Deleting subjects – Deleted orders-value$/,
    ]);
  });

  it('SDK v1: task_status shows the same status line as SDK v2, without the message from before the phase', async () => {
    setup = await inMemory();
    const steps = new Steps(3);
    setup.headway.registerTool('count_subjects', { description: 'Finds subjects, then deletes them.', task: { mode: 'native' } }, (_args, ctx) => countSubjects(ctx, steps));
    const { client } = setup;
    const created = await client.request({ method: 'tools/call', params: { name: 'count_subjects', arguments: {}, task: { ttl: 60_000 } } }, CreateTaskResultSchema);
    const taskId = created.task.taskId;
    const statusMessage = async (): Promise<string | undefined> => {
      const result = (await client.callTool({ name: 'task_status', arguments: { taskId } })) as CallToolResult;
      return (result.structuredContent as { task?: { statusMessage?: string } } | undefined)?.task?.statusMessage;
    };
    await walk(steps, statusMessage, [
      /^Found 42 subjects: 10 %/,
      /^Deleting subjects: 0\/4 \(10 %\)/,
      /^Deleting subjects: 1\/4 \(30 %\)/,
      /^Deleting subjects – Deleted orders-value: 2\/4 \(50 %\)/,
    ]);
  });

  const serve = v2InProcessPerTest();

  it('SDK v2: tasks/get (the tasks extension) shows the phase without the message from before it', async () => {
    const steps = new Steps(3);
    const { url } = await serve({
      log: () => undefined,
      tools: (headway) => {
        headway.registerTool('count_subjects', { description: 'Finds subjects, then deletes them.', task: { mode: 'native' } }, (_args, ctx) => countSubjects(ctx, steps));
      },
    });
    const created = await callTool(url, 'count_subjects', {});
    const taskId = created.response.result!.taskId as string;
    await walk(steps, async () => (await taskRequest(url, 'tasks/get', { taskId })).response.result?.statusMessage as string | undefined, [
      /^Found 42 subjects: 10 %/,
      /^Deleting subjects: 0\/4 \(10 %\)/,
      /^Deleting subjects: 1\/4 \(30 %\)/,
      /^Deleting subjects – Deleted orders-value: 2\/4 \(50 %\)/,
    ]);
  });
});
