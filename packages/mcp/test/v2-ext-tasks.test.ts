import { describe, expect, it } from 'vitest';
import { resultFromTaskOutcome } from '@modelcontextprotocol/ext-tasks/client';
import type { CallToolResultV2 } from '@modelcontextprotocol/ext-tasks/core/v2';
import { connectTasksClient } from './support/tasks-client.js';
import { v2ServerPerFile } from './support/v2-server.js';

// The official requester of the tasks extension (v2 Client + @modelcontextprotocol/ext-tasks) against
// Headway's v2 binding, in its own process on @headway/file-store.
const ENDPOINT = 'headway-v2-ext-tasks';
const v2 = v2ServerPerFile();

const resultOf = (outcome: unknown) => resultFromTaskOutcome(outcome as never) as CallToolResultV2;

describe('the tasks extension through @modelcontextprotocol/ext-tasks', () => {
  it('a short auto call answers inline; a longer one becomes a task, polled to completion with status lines', async () => {
    const c = await connectTasksClient(v2.url, { endpointId: ENDPOINT });
    try {
      const quick = await c.session.callTool('slow_auto', { ms: 20 });
      expect(quick.kind).toBe('immediate');
      expect(resultOf((await quick.settle()).outcome)).toMatchObject({ structuredContent: { slept: 20 } });

      // Long enough past the 600 ms budget for several polls while its phase runs, on a loaded machine too.
      const long = await c.session.callTool('slow_auto', { ms: 3000 });
      expect(long.kind).toBe('task');
      const lines: string[] = [];
      const { outcome } = await long.settle({
        onEvent: (event: { type: string; task?: { statusMessage?: string } }) => {
          if (event.type === 'task' && event.task?.statusMessage) lines.push(event.task.statusMessage);
        },
      } as never);
      expect(outcome.status).toBe('completed');
      expect(resultOf(outcome)).toMatchObject({ structuredContent: { slept: 3000 } });
      expect(lines).toContainEqual(expect.stringMatching(/^Deleting subjects.*\d+ %/));
    } finally {
      await c.close();
    }
  });

  it('a tool with an outputSchema still becomes a task and settles with its structured content', async () => {
    const c = await connectTasksClient(v2.url, { endpointId: ENDPOINT });
    try {
      const execution = await c.session.callTool('slow_structured', { ms: 900 });
      expect(execution.kind).toBe('task');
      const { outcome } = await execution.settle();
      expect(outcome.status).toBe('completed');
      expect(resultOf(outcome).structuredContent).toMatchObject({ slept: 900 });
    } finally {
      await c.close();
    }
  });

  it('native: a task at once; cancelled through tasks/cancel; an isError result is completed, a thrown error failed', async () => {
    const c = await connectTasksClient(v2.url, { endpointId: ENDPOINT });
    try {
      const long = await c.session.callTool('slow_native', { ms: 60_000 });
      expect(long.kind).toBe('task');
      await long.cancel();
      expect((await long.settle()).outcome.status).toBe('cancelled');

      const isError = await (await c.session.callTool('slow_native', { ms: 10, fail: 'is_error' })).settle();
      expect(isError.outcome.status).toBe('completed');
      expect(resultOf(isError.outcome)).toMatchObject({ isError: true, content: [{ type: 'text', text: 'Registry said no' }] });

      const thrown = await (await c.session.callTool('slow_native', { ms: 10, fail: 'throw' })).settle();
      expect(thrown.outcome.status).toBe('failed');
      expect((thrown.outcome as { error?: { message: string } }).error?.message).toMatch(/Registry exploded/);
    } finally {
      await c.close();
    }
  });

  it('input during a task: inputRequests in tasks/get, answered by tasks/update; a refusal fails the task clearly', async () => {
    const yes = await connectTasksClient(v2.url, { endpointId: ENDPOINT });
    try {
      const execution = await yes.session.callTool('slow_native', { ms: 400, ask: true });
      const { outcome } = await execution.settle();
      expect(outcome.status).toBe('completed');
      expect(resultOf(outcome).structuredContent).toMatchObject({ answer: { confirm: true } });
      expect(yes.inputs).toEqual([{ kind: 'elicitation', delivery: 'task-update', message: 'Continue deleting?' }]);
    } finally {
      await yes.close();
    }
    const no = await connectTasksClient(v2.url, { endpointId: ENDPOINT, answer: () => ({ action: 'decline' }) });
    try {
      const { outcome } = await (await no.session.callTool('slow_native', { ms: 100, ask_first: true })).settle();
      expect(outcome.status).toBe('failed');
      expect((outcome as { error?: { message: string } }).error?.message).toMatch(/The user said no \(decline\)/);
    } finally {
      await no.close();
    }
  });

  it('an inline auto call that asks becomes a task for a client that declared the extension, answered by tasks/update', async () => {
    const c = await connectTasksClient(v2.url, { endpointId: ENDPOINT });
    try {
      const execution = await c.session.callTool('slow_auto', { ms: 100, ask_first: true });
      expect(execution.kind).toBe('task');
      const { outcome } = await execution.settle();
      expect(outcome.status).toBe('completed');
      expect(c.inputs[0]?.delivery).toBe('task-update');
    } finally {
      await c.close();
    }
  });

  it('survives SIGKILL: a new client resumes the task by reference after a restart on the same data directory, and it completes', async () => {
    const a = await connectTasksClient(v2.url, { endpointId: ENDPOINT });
    const execution = await a.session.callTool('slow_native', { ms: 2500 });
    if (execution.kind !== 'task') throw new Error('expected a task');
    let reference: Parameters<typeof a.session.resumeTask>[0] | undefined;
    await execution.handoff((ref) => {
      reference = ref;
    });
    // Only the connection: ext-tasks 0.2.2's session.close() cancels every execution it started,
    // handed-off ones included, which would cancel the task this test wants to survive.
    await a.client.close();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await v2.crashAndRestart();
    const b = await connectTasksClient(v2.url, { endpointId: ENDPOINT });
    try {
      const resumed = await b.session.resumeTask(reference!);
      const { outcome } = await resumed.settle();
      expect(outcome).toMatchObject({ status: 'completed' });
      expect(resultOf(outcome).structuredContent).toMatchObject({ slept: 2500 });
    } finally {
      await b.close();
    }
  }, 60_000);
});
