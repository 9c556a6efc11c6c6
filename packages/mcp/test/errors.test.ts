import { describe, expect, it } from 'vitest';
import { ANY_OWNER } from '@headway/core';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { CallToolResultSchema, CreateTaskResultSchema, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { httpPerTest } from './support/harness.js';

// Every test here goes through the SDK's own Client over Streamable HTTP on loopback.
const http = httpPerTest();
const connect = () => http.connect();

const text = (r: CallToolResult) => (r.content[0] as { text: string }).text;
const rejection = (promise: Promise<unknown>) => promise.then(() => expect.fail('expected a JSON-RPC error'), (e: unknown) => e as McpError);
const taskCall = (c: Client, name: string, args: Record<string, unknown>) =>
  rejection(c.request({ method: 'tools/call', params: { name, arguments: args, task: {} } }, CreateTaskResultSchema));
const MISSING = 'AAAAAAAAAAAAAAAAAAAAAA';

describe('error texts', () => {
  it('say the same thing the same way in tool results and JSON-RPC errors, with the client\'s one "MCP error" prefix and no other', async () => {
    const c = await connect();
    const notFound = `Task not found: "${MISSING}"`;
    // The same missing task: a companion tool's result, and each native method's error.
    expect(text((await c.callTool({ name: 'task_status', arguments: { taskId: MISSING } })) as CallToolResult)).toBe(notFound);
    for (const error of [
      await rejection(c.experimental.tasks.getTask(MISSING)),
      await rejection(c.experimental.tasks.getTaskResult(MISSING, CallToolResultSchema)),
      await rejection(c.experimental.tasks.cancelTask(MISSING)),
      await rejection(c.readResource({ uri: `task://${MISSING}` })),
      await rejection(c.subscribeResource({ uri: `task://${MISSING}` })),
    ]) {
      expect(error).toBeInstanceOf(McpError);
      expect(error.message).toBe(`MCP error -32602: ${notFound}`);
    }
    // The same validation problem: a Headway tool, a companion tool, a task-augmented call.
    expect(text((await c.callTool({ name: 'slow_inline', arguments: { ms: 'soon' } })) as CallToolResult)).toBe(
      'Invalid arguments for tool slow_inline: ms: Expected number, received string',
    );
    expect(text((await c.callTool({ name: 'task_status', arguments: { taskId: 7 } })) as CallToolResult)).toBe(
      'Invalid arguments for tool task_status: taskId: Expected string, received number',
    );
    const native = await taskCall(c, 'slow_native', { ms: 'soon' });
    expect(native.code).toBe(-32602);
    expect(native.message).toBe('MCP error -32602: Invalid arguments for tool slow_native: ms: Expected number, received string');
    // Refusals of the call's shape: a plain call to a native tool reads as a tool result, without a prefix.
    expect(text((await c.callTool({ name: 'slow_native', arguments: { ms: 1 } })) as CallToolResult)).toBe(
      'Tool slow_native must be called as a task (execution.taskSupport: "required"); add "task": {} to the call',
    );
  });

  it('refuses a task-augmented call to a companion tool before acting, in the words of a Headway tool\'s refusal', async () => {
    const c = await connect();
    const handle = (await c.callTool({ name: 'until_cancelled_handle', arguments: {} })) as CallToolResult;
    const taskId = (handle.structuredContent as { task: { taskId: string } }).task.taskId;
    for (const name of ['task_cancel', 'task_status', 'task_wait', 'task_result', 'task_list']) {
      const error = await taskCall(c, name, name === 'task_list' ? {} : { taskId });
      expect(error.code).toBe(-32601);
      expect(error.message).toBe(`MCP error -32601: Tool ${name} does not support task-augmented calls (execution.taskSupport: "forbidden"); call it without "task"`);
    }
    // Nothing was cancelled.
    expect((await http.setup.manager.get(taskId, { owner: ANY_OWNER }))?.status).toBe('working');
    const inline = await taskCall(c, 'slow_inline', { ms: 1 });
    expect(inline.message).toBe('MCP error -32601: Tool slow_inline does not support task-augmented calls (execution.taskSupport: "forbidden"); call it without "task"');
    await c.callTool({ name: 'task_cancel', arguments: { taskId } });
  });

  it('answers a second tasks/cancel of a finished task with -32602 saying so', async () => {
    const c = await connect();
    const created = await c.request({ method: 'tools/call', params: { name: 'until_cancelled_native', arguments: {}, task: {} } }, CreateTaskResultSchema);
    const { taskId } = created.task;
    await c.experimental.tasks.cancelTask(taskId);
    const again = await rejection(c.experimental.tasks.cancelTask(taskId));
    expect(again.code).toBe(-32602);
    expect(again.message).toBe(`MCP error -32602: Task "${taskId}" has already finished (cancelled); there is nothing to cancel`);
  });
});
