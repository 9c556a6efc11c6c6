import { afterEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError, TaskManager } from '@headway/core';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { CallToolResultSchema, CreateTaskResultSchema } from '@modelcontextprotocol/sdk/types.js';
import type { CallToolResult, Progress } from '@modelcontextprotocol/sdk/types.js';
import { McpServer as McpServerV2 } from '@modelcontextprotocol/server';
import { attachHeadway } from '../src/index.js';
import { attachHeadway as attachHeadwayV2 } from '../src/v2.js';
import { cjsBuild, httpPerTest } from './support/harness.js';

const http = httpPerTest();
const managers: TaskManager[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.shutdown({ mode: 'abort', timeoutMs: 1000 })));
});

describe('the SDK\'s CommonJS build', () => {
  it('attaches to a CommonJS McpServer and serves every mode over its Streamable HTTP transport', async () => {
    const client = await http.connect({ sdk: cjsBuild() });
    const seen: Progress[] = [];
    const inline = (await client.callTool({ name: 'slow_inline', arguments: { ms: 200 } }, CallToolResultSchema, { onprogress: (p) => seen.push(p) })) as CallToolResult;
    expect(inline.structuredContent).toEqual({ slept: 200, label: null });
    expect(seen.at(-1)?.progress).toBe(100);
    const handle = (await client.callTool({ name: 'slow_handle', arguments: { ms: 10 } })) as CallToolResult;
    const taskId = (handle.structuredContent as { task: { taskId: string } }).task.taskId;
    const waited = (await client.callTool({ name: 'task_wait', arguments: { taskId } })) as CallToolResult;
    expect(waited.structuredContent).toEqual({ slept: 10, label: null });
    const created = await client.request({ method: 'tools/call', params: { name: 'slow_native', arguments: { ms: 10 }, task: {} } }, CreateTaskResultSchema);
    const result = (await client.experimental.tasks.getTaskResult(created.task.taskId, CallToolResultSchema)) as CallToolResult;
    expect(result.structuredContent).toEqual({ slept: 10, label: null });
    const refused = (await client.callTool({ name: 'clear_context_batch', arguments: { context: 'c', subjects: 1, dryRun: false } })) as CallToolResult;
    expect(refused.isError).toBe(true);
  });

  it('says what it expected and what came when it is given something else', () => {
    const manager = new TaskManager();
    managers.push(manager);
    const message = (server: unknown) => {
      try {
        attachHeadway(server as McpServer, { manager });
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidArgumentError);
        return (error as Error).message;
      }
      return expect.fail('expected attachHeadway to throw');
    };
    const expected = '(expected an McpServer from @modelcontextprotocol/sdk/server/mcp.js (its ESM or CommonJS build), not connected yet)';
    expect(message({})).toBe(
      `Invalid server: a plain object without registerTool, registerResource, connect, server.registerCapabilities, server.setRequestHandler, server.notification ${expected}`,
    );
    expect(message(new Server({ name: 'low-level', version: '0' }))).toBe(
      `Invalid server: an instance of Server without registerTool, registerResource, server.registerCapabilities, server.setRequestHandler, server.notification; a low-level Server: pass the McpServer that wraps it ${expected}`,
    );
    expect(message(undefined)).toBe(`Invalid server: undefined ${expected}`);
    expect(message(new McpServer({ name: 'ok', version: '0' }).server.constructor)).toMatch(/^Invalid server: a function /);
    // The other SDK generation's McpServer: said so, with the entry point to use.
    expect(message(new McpServerV2({ name: 'v2', version: '0' }))).toBe(
      `Invalid server: an McpServer from @modelcontextprotocol/server 2.x: import attachHeadway from '@headway/mcp/v2' ${expected}`,
    );
  });

  it('tells the v2 binding it was given an SDK v1 McpServer', () => {
    const manager = new TaskManager();
    managers.push(manager);
    const v1 = () => attachHeadwayV2(new McpServer({ name: 'v1', version: '0' }) as never, { manager, era: 'modern' });
    expect(v1).toThrow(InvalidArgumentError);
    expect(v1).toThrow(/^Invalid server: an McpServer from @modelcontextprotocol\/sdk 1\.x: import attachHeadway from '@headway\/mcp' \(expected an McpServer from @modelcontextprotocol\/server 2\.x\)$/);
    expect(() => attachHeadwayV2({} as never, { manager, era: 'modern' })).toThrow(/^Invalid server: a plain object without registerTool, connect, server.registerCapabilities, server.setRequestHandler/);
  });
});
