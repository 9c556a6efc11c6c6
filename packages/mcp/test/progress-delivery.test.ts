import { describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { CallToolResultSchema, PingRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import type { CallToolResult, Progress } from '@modelcontextprotocol/sdk/types.js';
import { httpPerTest, stdioPerTest } from './support/harness.js';

// The SDK client drops a progress notification it reads together with the response of its
// request (it handles the response at once, the notification a microtask later). These tests
// count what the SDK's own Client receives over real transports, for many fast calls.
const http = httpPerTest();
const child = stdioPerTest();
const stdio = async (args?: string[]) => (await child.spawn(args)).client;

const CALLS = 150;

/** Counts the pings the client answers (the server's confirmations that progress arrived). */
function countPings(client: Client): { readonly count: number } {
  const pings = { count: 0 };
  client.setRequestHandler(PingRequestSchema, () => {
    pings.count++;
    return {};
  });
  return pings;
}

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
  // progressAfterMs 0: every call sends its progress, and its answer waits for the client's confirmation.
  it('over stdio (child process), progress not held back: no notification lost in many fast calls', async () => {
    const client = await stdio(['--progress-after-ms=0']);
    const pings = countPings(client);
    await expectEveryNotification(client);
    expect(pings.count).toBe(CALLS);
  }, 60_000);

  it('over stdio, by default: a call that ends within progressAfterMs sends no progress and needs no ping', async () => {
    const client = await stdio();
    const pings = countPings(client);
    const errors: string[] = [];
    client.onerror = (error) => errors.push(error.message);
    const seen: Progress[] = [];
    for (let n = 0; n < 20; n++) {
      const result = (await client.callTool({ name: 'quick', arguments: { n } }, CallToolResultSchema, { onprogress: (p) => seen.push(p) })) as CallToolResult;
      expect(result.structuredContent).toEqual({ n });
    }
    await new Promise((r) => setTimeout(r, 200));
    expect(seen).toEqual([]);
    expect(pings.count).toBe(0);
    expect(errors).toEqual([]);
  }, 30_000);

  it('over stdio, by default: progress held back goes out when progressAfterMs has passed, not only at the end', async () => {
    const client = await stdio();
    const seen: Progress[] = [];
    const controller = new AbortController();
    let ended = false;
    const call = client
      .callTool({ name: 'half_then_sleep', arguments: { ms: 60_000 } }, CallToolResultSchema, { onprogress: (p) => seen.push(p), signal: controller.signal })
      .catch((error: unknown) => error)
      .finally(() => (ended = true));
    for (let waited = 0; seen.length === 0 && waited < 10_000; waited += 20) await new Promise((r) => setTimeout(r, 20));
    expect(ended).toBe(false);
    expect(seen.map((p) => [p.progress, p.message])).toEqual([[50, 'half way']]);
    controller.abort('enough');
    await call;
  }, 30_000);

  it('over stdio, by default: a call that outlives progressAfterMs gets every notification, confirmed before its answer', async () => {
    const client = await stdio();
    const pings = countPings(client);
    const errors: string[] = [];
    client.onerror = (error) => errors.push(error.message);
    for (let n = 0; n < 3; n++) {
      const seen: Progress[] = [];
      const result = (await client.callTool({ name: 'half_then_sleep', arguments: { ms: 300 } }, CallToolResultSchema, { onprogress: (p) => seen.push(p) })) as CallToolResult;
      expect(result.structuredContent).toEqual({ ms: 300 });
      expect(seen.map((p) => p.progress)).toEqual([50, 100]);
    }
    await new Promise((r) => setTimeout(r, 100));
    expect(pings.count).toBe(3);
    expect(errors).toEqual([]);
  }, 30_000);

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
