import { describe, expect, it } from 'vitest';
import { CallToolResultSchema, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { CallToolResult, Progress } from '@modelcontextprotocol/sdk/types.js';
import { eventually, stdioPerTest } from './support/harness.js';

const stdio = stdioPerTest();
const spawnServer = () => stdio.spawn();

describe('stdio (child process)', () => {
  it('a client with a 2 s timeout and resetTimeoutOnProgress completes a 6 s inline task', async () => {
    const { client } = await spawnServer();
    const seen: Progress[] = [];
    const result = (await client.callTool({ name: 'sleep_silently', arguments: { ms: 6_000 } }, CallToolResultSchema, {
      timeout: 2_000,
      resetTimeoutOnProgress: true,
      onprogress: (p) => seen.push(p),
    })) as CallToolResult;
    expect(result.structuredContent).toEqual({ slept: 6_000 });
    const values = seen.map((p) => p.progress);
    expect(values.length).toBeGreaterThanOrEqual(3);
    expect(values.every((v, i) => i === 0 || v > values[i - 1]!)).toBe(true);
  }, 30_000);

  it('the same client without resetTimeoutOnProgress times out (the heartbeats are what keep it alive)', async () => {
    const { client } = await spawnServer();
    const error = await client
      .callTool({ name: 'sleep_silently', arguments: { ms: 4_000 } }, CallToolResultSchema, { timeout: 2_000, onprogress: () => undefined })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpError);
    expect((error as McpError).code).toBe(-32001);
  }, 30_000);

  it('runs the seed clear-context pattern with strictly increasing progress and logs', async () => {
    const { client, inbox } = await spawnServer();
    const seen: Progress[] = [];
    const result = (await client.callTool({ name: 'clear_context_batch', arguments: { context: 'stdio', subjects: 25 } }, CallToolResultSchema, {
      onprogress: (p) => seen.push(p),
    })) as CallToolResult;
    expect(result.structuredContent).toEqual({ context: 'stdio', deleted: 25 });
    const values = seen.map((p) => p.progress);
    expect(values.every((v, i) => i === 0 || v > values[i - 1]!)).toBe(true);
    expect(values.at(-1)).toBe(100);
    expect(inbox.logs.some((l) => l.logger === 'BatchOperations')).toBe(true);
  }, 30_000);

  it('notifications/cancelled aborts the task in the child process and leaves it cancelled', async () => {
    const { client, inbox, stderr } = await spawnServer();
    const controller = new AbortController();
    const call = client.callTool({ name: 'until_cancelled', arguments: {} }, undefined, { signal: controller.signal }).catch((e: unknown) => e);
    const startedLine = () => inbox.logs.find((l) => String((l.data as { message?: string }).message).startsWith('Started until_cancelled task'));
    await eventually(() => startedLine() !== undefined);
    const id = (startedLine()!.data as { taskId: string }).taskId;
    controller.abort('stop');
    await call;
    await eventually(() => stderr().includes(`aborted ${id}`));
    await eventually(() => inbox.logs.some((l) => l.level === 'warning' && String((l.data as { message?: string }).message).startsWith('Cancelled until_cancelled task')));
    const status = (await client.callTool({ name: 'task_status', arguments: { taskId: id } })) as CallToolResult;
    expect((status.structuredContent as { task: { status: string } }).task.status).toBe('cancelled');
    // One local owner on stdio: it lists its tasks without anonymousListing (which concerns HTTP only).
    const listed = (await client.callTool({ name: 'task_list', arguments: {} })) as CallToolResult;
    expect(listed.isError).toBeFalsy();
    expect((listed.structuredContent as { tasks: { taskId: string }[] }).tasks.map((t) => t.taskId)).toContain(id);
  }, 30_000);
});
