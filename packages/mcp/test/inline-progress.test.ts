import { afterEach, describe, expect, it } from 'vitest';
import { CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';
import type { CallToolResult, Progress } from '@modelcontextprotocol/sdk/types.js';
import { inMemory } from './support/harness.js';
import type { InMemorySetup } from './support/harness.js';

let setup: InMemorySetup | undefined;
afterEach(async () => {
  await setup?.close();
  setup = undefined;
});

function strictlyIncreasing(values: number[]): boolean {
  return values.every((v, i) => i === 0 || v > values[i - 1]!);
}

describe('inline mode over InMemoryTransport', () => {
  it('sends strictly increasing, bounded progress on the caller token, and none after the result', async () => {
    setup = await inMemory();
    const errors: Error[] = [];
    setup.client.onerror = (e) => errors.push(e);
    const seen: Progress[] = [];
    const result = (await setup.client.callTool({ name: 'slow_inline', arguments: { ms: 1500 } }, CallToolResultSchema, {
      onprogress: (p) => seen.push(p),
    })) as CallToolResult;
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({ slept: 1500, label: null });
    const values = seen.map((p) => p.progress);
    expect(values.length).toBeGreaterThan(3);
    expect(values.length).toBeLessThanOrEqual(150);
    expect(strictlyIncreasing(values)).toBe(true);
    expect(values.at(-1)).toBe(100);
    expect(seen.every((p) => p.total === 100)).toBe(true);
    const countAtResult = seen.length;
    // A progress notification after the result would reach the client for an unknown token (onerror).
    await new Promise((r) => setTimeout(r, 800));
    expect(seen.length).toBe(countAtResult);
    expect(errors.filter((e) => /progress/i.test(e.message))).toEqual([]);
  });

  it('keeps two concurrent calls on their own tokens, and sends nothing to a call without a token', async () => {
    setup = await inMemory();
    const errors: Error[] = [];
    setup.client.onerror = (e) => errors.push(e);
    const a: Progress[] = [];
    const b: Progress[] = [];
    await Promise.all([
      setup.client.callTool({ name: 'slow_inline', arguments: { ms: 800, label: 'A' } }, CallToolResultSchema, { onprogress: (p) => a.push(p) }),
      setup.client.callTool({ name: 'slow_inline', arguments: { ms: 800, label: 'B' } }, CallToolResultSchema, { onprogress: (p) => b.push(p) }),
      setup.client.callTool({ name: 'slow_inline', arguments: { ms: 800, label: 'C' } }),
    ]);
    expect(a.length).toBeGreaterThan(0);
    expect(b.length).toBeGreaterThan(0);
    expect(a.every((p) => p.message === undefined || p.message.startsWith('A '))).toBe(true);
    expect(b.every((p) => p.message === undefined || p.message.startsWith('B '))).toBe(true);
    expect(strictlyIncreasing(a.map((p) => p.progress))).toBe(true);
    expect(strictlyIncreasing(b.map((p) => p.progress))).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    expect(errors).toEqual([]);
  });

  it('keeps progress increasing through heartbeats of a task that stops reporting', async () => {
    setup = await inMemory();
    const seen: Progress[] = [];
    // until_cancelled reports nothing: only heartbeats (every 300 ms in tests) reach the client.
    const controller = new AbortController();
    const call = setup.client
      .callTool({ name: 'until_cancelled', arguments: {} }, CallToolResultSchema, { onprogress: (p) => seen.push(p), signal: controller.signal })
      .catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 1600));
    controller.abort('enough');
    await call;
    expect(seen.length).toBeGreaterThanOrEqual(2);
    const values = seen.map((p) => p.progress);
    expect(strictlyIncreasing(values)).toBe(true);
    expect(values.every((v) => v < 100)).toBe(true);
  });

  it('runs the seed clear-context pattern end to end: phases, logs with logger names, structured output', async () => {
    setup = await inMemory();
    const seen: Progress[] = [];
    const result = (await setup.client.callTool(
      { name: 'clear_context_batch', arguments: { context: 'ctx-a', subjects: 40, delayMs: 10 } },
      CallToolResultSchema,
      { onprogress: (p) => seen.push(p) },
    )) as CallToolResult;
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({ context: 'ctx-a', deleted: 40, dry_run: true });
    const values = seen.map((p) => p.progress);
    expect(strictlyIncreasing(values)).toBe(true);
    expect(values.at(-1)).toBe(100);
    expect(seen.some((p) => p.message === 'Found 40 subjects' || (p.progress >= 10 && p.progress <= 90))).toBe(true);
    const logs = setup.inbox.logs;
    expect(logs.some((l) => l.logger === 'BatchOperations' && JSON.stringify(l.data).includes("Starting batch clear operation for context 'ctx-a'"))).toBe(true);
    expect(logs.some((l) => l.logger === 'headway' && JSON.stringify(l.data).includes('Created cleanup task'))).toBe(true);
    expect(logs.some((l) => l.logger === 'headway' && JSON.stringify(l.data).includes('Completed cleanup task'))).toBe(true);
    expect(logs.some((l) => JSON.stringify(l.data).includes('reached 50%'))).toBe(true);
  });

  it('maps the seed ctx.reportProgress(progress, total, message) and ctx.debug', async () => {
    // count_schemas ends within milliseconds: by default a confirming transport (this in-memory
    // pair, like stdio) holds its progress back and the answer supersedes it (progressAfterMs).
    setup = await inMemory({ headway: { logLevel: 'debug', progressAfterMs: 0 } });
    const seen: Progress[] = [];
    const result = (await setup.client.callTool({ name: 'count_schemas', arguments: { contexts: 5 } }, CallToolResultSchema, {
      onprogress: (p) => seen.push(p),
    })) as CallToolResult;
    expect(result.structuredContent).toEqual({ total: 10 });
    expect(seen.at(-1)?.progress).toBe(100);
    expect(seen.some((p) => p.message?.startsWith('Counting schemas in context'))).toBe(true);
    expect(setup.inbox.logs.some((l) => l.level === 'debug' && l.logger === 'Statistics')).toBe(true);
  });

  it('honours logging/setLevel for the session', async () => {
    setup = await inMemory();
    await setup.client.setLoggingLevel('error');
    await setup.client.callTool({ name: 'clear_context_batch', arguments: { context: 'quiet', subjects: 3, delayMs: 1 } });
    await new Promise((r) => setTimeout(r, 200));
    expect(setup.inbox.logs).toEqual([]);
    await setup.client.callTool({ name: 'throws', arguments: {} });
    await new Promise((r) => setTimeout(r, 200));
    expect(setup.inbox.logs.length).toBeGreaterThan(0);
    expect(setup.inbox.logs.every((l) => l.level === 'error')).toBe(true);
  });
});
