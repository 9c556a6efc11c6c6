import { afterEach, describe, expect, it } from 'vitest';
import { TaskManager } from '@headway/core';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { attachHeadway } from '../src/index.js';

const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

describe('an inline call whose task retries', () => {
  it('ends its progress bar at 100 when a later attempt succeeds, never going back', async () => {
    const manager = new TaskManager({ progress: { minIntervalMs: 0, heartbeatMs: 10_000 }, resources: { enabled: false } });
    closers.push(() => manager.shutdown());
    const server = new McpServer({ name: 'retry-test', version: '0.0.0' });
    const headway = attachHeadway(server, { manager });
    let attempts = 0;
    headway.registerTool(
      'flaky',
      { description: 'Fails its first attempt at 80 %.', task: { mode: 'inline', retry: { maxAttempts: 2, initialDelayMs: 10 } } },
      async (_args, ctx) => {
        attempts++;
        ctx.progress.update(attempts === 1 ? 80 : 30, `attempt ${attempts}`);
        await new Promise((r) => setTimeout(r, 50));
        if (attempts === 1) throw new Error('transient');
        return { attempts };
      },
    );
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = new Client({ name: 'retry-client', version: '0.0.0' });
    await client.connect(clientSide);
    closers.push(() => client.close());

    const seen: number[] = [];
    const result = (await client.callTool({ name: 'flaky', arguments: {} }, CallToolResultSchema, {
      onprogress: (p) => seen.push(p.progress),
    })) as CallToolResult;

    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({ attempts: 2 });
    expect(seen).toContain(80);
    expect(seen.at(-1)).toBe(100);
    expect(seen.every((v, i) => i === 0 || v > seen[i - 1]!)).toBe(true);
  });
});
