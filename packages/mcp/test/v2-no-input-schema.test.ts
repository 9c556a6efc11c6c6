import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { TaskManager } from '@headway/core';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { createHttpHandler } from '../src/v2.js';

// SDK v2 calls a tool without an input schema as callback(ctx), not callback(args, ctx).
let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

describe('a v2 tool without an input schema', () => {
  it('runs with empty arguments and the request context', async () => {
    const manager = new TaskManager();
    const seen: unknown[] = [];
    const handler = createHttpHandler({
      manager,
      serverInfo: { name: 'plain', version: '0' },
      log: () => undefined,
      tools: (headway) => {
        headway.registerTool('plain', { task: { mode: 'inline' } }, (args, ctx) => {
          seen.push(args, typeof ctx.mcp?.mcpReq);
          return 'ok';
        });
      },
    });
    const http = createServer(handler.listener);
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const client = new Client({ name: 'plain', version: '0' }, { capabilities: {} });
    await client.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`)));
    cleanup = async () => {
      await client.close();
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
      await handler.close();
      await manager.shutdown({ mode: 'abort', timeoutMs: 1000 });
    };
    const result = (await client.callTool({ name: 'plain', arguments: {} })) as CallToolResult;
    expect(result).toMatchObject({ content: [{ type: 'text', text: 'ok' }] });
    expect(result.isError).toBeFalsy();
    expect(seen).toEqual([{}, 'object']);
  });
});
