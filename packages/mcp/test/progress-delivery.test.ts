import { describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';
import type { CallToolResult, Progress } from '@modelcontextprotocol/sdk/types.js';
import { httpPerTest, stdioPerTest } from './support/harness.js';

// The SDK client drops a progress notification it reads together with the response of its
// request (it handles the response at once, the notification a microtask later). These tests
// count what the SDK's own Client receives over real transports, for many fast calls.
const http = httpPerTest();
const child = stdioPerTest();
const stdio = async () => (await child.spawn()).client;

const CALLS = 150;

/** Calls `quick` many times with a progress token: every call must see its 50 and its final 100, and the client no "unknown token". */
async function expectEveryNotification(client: Client): Promise<void> {
  const errors: string[] = [];
  client.onerror = (error) => errors.push(error.message);
  const received: number[][] = [];
  for (let n = 0; n < CALLS; n++) {
    const seen: Progress[] = [];
    const result = (await client.callTool({ name: 'quick', arguments: { n } }, CallToolResultSchema, { onprogress: (p) => seen.push(p) })) as CallToolResult;
    expect(result.structuredContent).toEqual({ n });
    received.push(seen.map((p) => p.progress));
  }
  await new Promise((r) => setTimeout(r, 100));
  expect(errors.filter((e) => e.includes('progress'))).toEqual([]);
  expect(received.filter((values) => values.length !== 2 || values.at(-1) !== 100)).toEqual([]);
}

// What a progress token costs an inline call is measured by the `mcp-overhead` benchmark, not asserted here.
describe('inline progress reaches the SDK client', () => {
  it('over stdio (child process): no notification lost in many fast calls', async () => {
    await expectEveryNotification(await stdio());
  }, 60_000);

  it('over Streamable HTTP: no notification lost in many fast calls', async () => {
    await expectEveryNotification(await http.connect());
  }, 60_000);

  it('sends no progress for a call that ends before any went out: its answer says the same', async () => {
    const client = await http.connect();
    const seen: Progress[] = [];
    const result = (await client.callTool({ name: 'no_args', arguments: {} }, CallToolResultSchema, { onprogress: (p) => seen.push(p) })) as CallToolResult;
    expect(result.structuredContent).toEqual({ ok: true });
    expect(seen).toEqual([]);
  });
});
