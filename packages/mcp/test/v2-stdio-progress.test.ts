import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { Client as V2Client } from '@modelcontextprotocol/client';
import { StdioClientTransport as V2StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { Client as V1Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport as V1StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { CallToolResultSchema, PingRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

// The v2 binding over stdio (serveStdio, a child process): both SDK clients handle a response at
// once but a notification a microtask later, and hand every message of one read over in one go,
// so a progress notification read together with the answer is lost ("unknown token"). These tests
// count what the clients receive for many fast calls, as progress-delivery.test.ts does for v1.
const FIXTURE = fileURLToPath(new URL('./fixtures/v2-stdio-server.mjs', import.meta.url));
const CALLS = 150;

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close().catch(() => undefined)));
});

/** What one client needs here, whichever SDK it comes from. */
interface Caller {
  readonly errors: string[];
  readonly pings: { count: number };
  call(name: string, args: Record<string, unknown>, onprogress: (p: { progress: number; message?: string }) => void): Promise<Record<string, unknown> | undefined>;
}

async function v1Client(args: string[]): Promise<Caller> {
  const client = new V1Client({ name: 'v1-stdio', version: '0.0.0' }, { capabilities: {} });
  const errors: string[] = [];
  const pings = { count: 0 };
  client.onerror = (error) => errors.push(error.message);
  client.setRequestHandler(PingRequestSchema, () => {
    pings.count++;
    return {};
  });
  await client.connect(new V1StdioClientTransport({ command: process.execPath, args: [FIXTURE, ...args], stderr: 'pipe' }));
  closers.push(() => client.close());
  return {
    errors,
    pings,
    call: async (name, callArgs, onprogress) =>
      ((await client.callTool({ name, arguments: callArgs }, CallToolResultSchema, { onprogress })) as CallToolResult).structuredContent,
  };
}

async function v2Client(args: string[], revision: '2025-11-25' | '2026-07-28'): Promise<Caller> {
  const mode = revision === '2025-11-25' ? 'legacy' : { pin: revision };
  const client = new V2Client({ name: 'v2-stdio', version: '0.0.0' }, { capabilities: {}, versionNegotiation: { mode } });
  const errors: string[] = [];
  const pings = { count: 0 };
  client.onerror = (error) => errors.push(error.message);
  client.setRequestHandler('ping', () => {
    pings.count++;
    return {};
  });
  await client.connect(new V2StdioClientTransport({ command: process.execPath, args: [FIXTURE, ...args], stderr: 'pipe' }));
  closers.push(() => client.close());
  return {
    errors,
    pings,
    call: async (name, callArgs, onprogress) => (await client.callTool({ name, arguments: callArgs }, { onprogress })).structuredContent as Record<string, unknown> | undefined,
  };
}

/** Calls `quick` many times with a progress token; returns the calls whose 50 did not arrive. */
async function lostProgress(client: Caller): Promise<number[]> {
  const lost: number[] = [];
  for (let n = 0; n < CALLS; n++) {
    const seen: number[] = [];
    expect(await client.call('quick', { n }, (p) => seen.push(p.progress))).toEqual({ n });
    if (!seen.includes(50)) lost.push(n);
  }
  await new Promise((r) => setTimeout(r, 100));
  return lost;
}

const unknownToken = (errors: string[]) => errors.filter((e) => e.includes('unknown token'));

describe('inline progress of the v2 binding over stdio', () => {
  const clients: [string, (args: string[]) => Promise<Caller>][] = [
    ['SDK 1.x client (2025-11-25)', v1Client],
    ['SDK v2 client on 2025-11-25', (args) => v2Client(args, '2025-11-25')],
  ];

  for (const [label, connect] of clients) {
    it(`${label}, progress not held back: no notification lost in many fast calls, each confirmed by a ping`, async () => {
      const client = await connect(['--progress-after-ms=0']);
      expect(await lostProgress(client)).toEqual([]);
      expect(unknownToken(client.errors)).toEqual([]);
      expect(client.pings.count).toBe(CALLS);
    }, 60_000);

    // A window far longer than any call here, so that a loaded machine cannot make a call outlive it.
    it(`${label}: a call that ends within progressAfterMs sends no progress and needs no ping`, async () => {
      const client = await connect(['--progress-after-ms=60000']);
      const seen: number[] = [];
      for (let n = 0; n < 20; n++) expect(await client.call('quick', { n }, (p) => seen.push(p.progress))).toEqual({ n });
      await new Promise((r) => setTimeout(r, 200));
      expect(seen).toEqual([]);
      expect(client.pings.count).toBe(0);
      expect(client.errors).toEqual([]);
    }, 30_000);

    it(`${label}, by default: a call that outlives progressAfterMs gets its progress, confirmed before its answer`, async () => {
      const client = await connect([]);
      for (let n = 0; n < 3; n++) {
        const seen: number[] = [];
        expect(await client.call('half_then_sleep', { ms: 300 }, (p) => seen.push(p.progress))).toEqual({ ms: 300 });
        // A heartbeat (the fixture's manager sends one every 400 ms) may come between on a loaded machine.
        expect([seen[0], seen.at(-1)]).toEqual([50, 100]);
      }
      await new Promise((r) => setTimeout(r, 100));
      expect(client.pings.count).toBe(3);
      expect(unknownToken(client.errors)).toEqual([]);
    }, 30_000);
  }

  // 2026-07-28 has no server-to-client request (no ping): nothing can confirm progress, so the hold
  // back is the protection, the end (100) is never sent, and the answer trails the last
  // notification by a short gap (best effort: a busy client can still read both at once).
  it('SDK v2 client on 2026-07-28: a call that ends within progressAfterMs sends no progress', async () => {
    const client = await v2Client(['--progress-after-ms=60000'], '2026-07-28');
    const seen: number[] = [];
    for (let n = 0; n < 20; n++) expect(await client.call('quick', { n }, (p) => seen.push(p.progress))).toEqual({ n });
    await new Promise((r) => setTimeout(r, 200));
    expect(seen).toEqual([]);
    expect(client.errors).toEqual([]);
  }, 30_000);

  it('SDK v2 client on 2026-07-28, by default: a call that outlives progressAfterMs gets its progress, not the end (the answer says it), and no ping', async () => {
    const client = await v2Client([], '2026-07-28');
    for (let n = 0; n < 3; n++) {
      const seen: number[] = [];
      expect(await client.call('half_then_sleep', { ms: 300 }, (p) => seen.push(p.progress))).toEqual({ ms: 300 });
      expect(seen[0]).toBe(50);
      expect(seen).not.toContain(100);
    }
    await new Promise((r) => setTimeout(r, 100));
    expect(client.pings.count).toBe(0);
    expect(client.errors).toEqual([]);
  }, 30_000);

  it('SDK v2 client on 2026-07-28, progress not held back: every call answers, none sends the end or pings', async () => {
    const client = await v2Client(['--progress-after-ms=0'], '2026-07-28');
    const seen: number[] = [];
    for (let n = 0; n < 20; n++) expect(await client.call('quick', { n }, (p) => seen.push(p.progress))).toEqual({ n });
    await new Promise((r) => setTimeout(r, 100));
    expect(seen.filter((p) => p !== 50)).toEqual([]);
    expect(client.pings.count).toBe(0);
    expect(client.errors.filter((e) => !e.includes('unknown token'))).toEqual([]);
  }, 30_000);
});
