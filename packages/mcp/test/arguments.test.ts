import { describe, expect, it } from 'vitest';
import { ANY_OWNER } from '@headway/core';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { CreateTaskResultSchema, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { httpPerTest } from './support/harness.js';

// Every test here goes through the SDK's own Client over Streamable HTTP on loopback.
const http = httpPerTest();
const connect = http.connect;

const call = async (client: Client, name: string, args?: Record<string, unknown>) =>
  (await client.callTool({ name, ...(args !== undefined && { arguments: args }) })) as CallToolResult;
const text = (r: CallToolResult) => (r.content[0] as { text: string }).text;

describe('tool arguments', () => {
  it('serves a tool registered with inputSchema: {} (the SDK form for "no arguments"), with and without an arguments object', async () => {
    const client = await connect();
    for (const args of [undefined, {}]) {
      const r = await call(client, 'no_args', args);
      expect(r.isError, text(r)).toBeFalsy();
      expect(r.structuredContent).toEqual({ ok: true });
    }
    const { tools } = await client.listTools();
    expect(tools.find((t) => t.name === 'no_args')?.inputSchema).toMatchObject({ type: 'object' });
  });

  it('refuses an unknown argument by default, naming it and the known ones, and starts no task', async () => {
    const client = await connect();
    const r = await call(client, 'clear_context_batch', { context: 'c', subjects: 2, delayMs: 0, dryRun: false });
    expect(r.isError).toBe(true);
    expect(text(r)).toBe('Invalid arguments for tool clear_context_batch: unknown argument "dryRun" (known arguments: context, subjects, delayMs, dry_run)');
    expect((await http.setup.manager.list({ owner: ANY_OWNER, kind: 'cleanup' })).tasks).toEqual([]);
    // Spelled right, it runs with the caller's value rather than the default.
    const ok = await call(client, 'clear_context_batch', { context: 'c', subjects: 2, delayMs: 0, dry_run: false });
    expect(ok.structuredContent).toEqual({ context: 'c', deleted: 2, dry_run: false });
  });

  it('refuses unknown arguments for Zod 3 and Zod 4 object schemas, for a tool without a schema, and together with type errors', async () => {
    const client = await connect();
    for (const name of ['zod3_object', 'zod4_object']) {
      const r = await call(client, name, { dryRun: false });
      expect(text(r)).toBe(`Invalid arguments for tool ${name}: unknown argument "dryRun" (known arguments: dry_run)`);
      expect((await call(client, name, { dry_run: false })).structuredContent).toEqual({ dry_run: false });
    }
    expect(text(await call(client, 'no_schema', { a: 1, b: 2 }))).toBe('Invalid arguments for tool no_schema: unknown arguments "a", "b" (this tool takes no arguments)');
    expect((await call(client, 'no_schema')).structuredContent).toEqual({ args: {} });
    expect(text(await call(client, 'slow_inline', { ms: 'soon', lable: 'x' }))).toBe(
      'Invalid arguments for tool slow_inline: unknown argument "lable" (known arguments: ms, label); ms: Expected number, received string',
    );
  });

  it('refuses unknown arguments of a task-augmented call with -32602 and of a companion tool, before acting', async () => {
    const client = await connect();
    const native = await client
      .request({ method: 'tools/call', params: { name: 'slow_native', arguments: { ms: 1, lable: 'x' }, task: {} } }, CreateTaskResultSchema)
      .catch((e: unknown) => e);
    expect(native).toBeInstanceOf(McpError);
    expect((native as McpError).code).toBe(-32602);
    expect((native as McpError).message).toBe('MCP error -32602: Invalid arguments for tool slow_native: unknown argument "lable" (known arguments: ms, label)');
    const handle = await call(client, 'until_cancelled_handle');
    const taskId = (handle.structuredContent as { task: { taskId: string } }).task.taskId;
    // `timeout` instead of `timeoutSeconds` would otherwise wait the full 45 s.
    const wait = await call(client, 'task_wait', { taskId, timeout: 1 });
    expect(text(wait)).toBe('Invalid arguments for tool task_wait: unknown argument "timeout" (known arguments: taskId, timeoutSeconds)');
    expect((await http.setup.manager.list({ owner: ANY_OWNER, kind: 'slow-native' })).tasks).toEqual([]);
    await call(client, 'task_cancel', { taskId });
  });

  it('keeps arguments a schema lets through on purpose, and strips them where the tool says so', async () => {
    const client = await connect();
    expect((await call(client, 'loose_object', { dry_run: false, extra: 1 })).structuredContent).toEqual({ args: { dry_run: false, extra: 1 } });
    expect((await call(client, 'strips_unknown', { dryRun: false })).structuredContent).toEqual({ args: { dry_run: true } });
  });

  it('strips unknown arguments of every tool, companion tools too, with unknownArguments: "strip" on the attachment', async () => {
    const client = await connect({ headway: { unknownArguments: 'strip' } });
    const r = await call(client, 'clear_context_batch', { context: 'c', subjects: 1, delayMs: 0, dryRun: false });
    expect(r.structuredContent).toEqual({ context: 'c', deleted: 1, dry_run: true });
    const status = await call(client, 'task_status', { taskId: 'AAAAAAAAAAAAAAAAAAAAAA', verbose: true });
    expect(text(status)).toBe('Task not found: "AAAAAAAAAAAAAAAAAAAAAA"');
  });

  it('applies McpServer\'s maxToolInputElements to Headway and companion tools as the SDK does to its own', async () => {
    const client = await connect({ server: { maxToolInputElements: 3 } });
    const big = await call(client, 'task_list', { status: ['queued', 'working', 'completed'] });
    expect(text(big)).toBe('Invalid arguments for tool task_list: arguments contain more than the maximum of 3 elements');
    expect(text(await call(client, 'slow_inline', { ms: 1, label: 'a', x: 1, y: 2 }))).toBe(
      'Invalid arguments for tool slow_inline: arguments contain more than the maximum of 3 elements',
    );
    expect((await call(client, 'slow_inline', { ms: 1 })).isError).toBeFalsy();
  });
});
