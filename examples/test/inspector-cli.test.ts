// MCP Inspector's own CLI (2.12, on Node 22 from the npm registry) against the schema-registry HTTP
// example (SDK v2) on its default settings: it lists the tools and calls them on 2025-11-25 (a task
// id to follow with task_wait) and on 2026-07-28 (an extension task it settles itself), getting what
// the example's README documents. Its helper is @headway/mcp's test helper (one copy serves both).
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInspectorCli } from '../../packages/mcp/test/support/inspector-cli.js';
import { startHttpExample } from './support/registry-example.js';
import type { HttpExample } from './support/registry-example.js';

let example: HttpExample;

beforeAll(async () => {
  // The first run downloads Node 22 and the Inspector into npx's cache: give it time.
  const [started] = await Promise.all([startHttpExample(), runInspectorCli('http://127.0.0.1:1/mcp', ['--method', 'tools/list'], 600_000).catch(() => undefined)]);
  example = started;
}, 660_000);

afterAll(async () => {
  await example?.stop();
});

const ALICE = ['--header', 'Authorization: Bearer alice'];

describe('MCP Inspector CLI against the schema-registry HTTP example (defaults)', () => {
  it('tools/list shows the tools with their annotations and described fields; npm runs on Node 22 too, so it warns of no engine', async () => {
    const { result, stderr } = await runInspectorCli(example.mcpUrl, ['--method', 'tools/list']);
    expect(stderr).not.toContain('EBADENGINE');
    const tools = Object.fromEntries((result as { tools: Tool[] }).tools.map((t) => [t.name, t]));
    expect(Object.keys(tools)).toEqual(expect.arrayContaining(['clear_context_batch', 'count_schemas', 'export_context', 'task_status', 'task_wait', 'task_cancel']));
    expect(tools.clear_context_batch!.annotations).toMatchObject({ destructiveHint: true, idempotentHint: true, readOnlyHint: false });
    expect(tools.clear_context_batch!.inputSchema.properties).toMatchObject({ dry_run: { type: 'boolean', default: true, description: expect.stringContaining('Default true') } });
  }, 300_000);

  it('2026-07-28 (--protocol-era modern): a clear that outlives the 10 s inline budget becomes an extension task, which the Inspector settles', async () => {
    const called = await runInspectorCli(example.mcpUrl, ['--protocol-era', 'modern', '--method', 'tools/call', '--tool-name', 'clear_context_batch', '--tool-arg', 'context=dev', ...ALICE]);
    expect(called).toMatchObject({
      result: { resultType: 'complete', structuredContent: { context: 'dev', dry_run: true, subjects_found: 200, subjects_deleted: 0, context_deleted: false } },
    });
  }, 300_000);

  it('2025-11-25: a clear that outlives the 10 s inline budget answers with a task id and a status line; task_wait with the same caller returns the documented result', async () => {
    const called = await runInspectorCli(example.mcpUrl, ['--method', 'tools/call', '--tool-name', 'clear_context_batch', '--tool-arg', 'context=staging', ...ALICE]);
    const handle = (called.result as { structuredContent: { promoted: boolean; task: { taskId: string; status: string; statusMessage: string } } }).structuredContent;
    expect(handle.promoted).toBe(true);
    expect(handle.task.status).toBe('working');
    // The status line (the same as inline progress and the extension's statusMessage): phase, subject, counts, percent.
    expect(handle.task.statusMessage).toMatch(/^Checking subjects – subject-\d+-value: \d+\/200 \(\d+ %\)/);

    // task_wait waits up to 45 s per call and answers the task's status if it is still running then.
    let result: { structuredContent?: Record<string, unknown> } = {};
    for (let i = 0; i < 5; i++) {
      const waited = await runInspectorCli(example.mcpUrl, ['--method', 'tools/call', '--tool-name', 'task_wait', '--tool-arg', `taskId=${handle.task.taskId}`, ...ALICE]);
      result = waited.result as typeof result;
      if (!('task' in (result.structuredContent ?? {}))) break;
    }
    expect(result.structuredContent).toEqual({ context: 'staging', dry_run: true, subjects_found: 200, subjects_deleted: 0, context_deleted: false });

    // Another caller (here: no Authorization, so the owner `anonymous`) cannot see it.
    const stranger = await runInspectorCli(example.mcpUrl, ['--method', 'tools/call', '--tool-name', 'task_status', '--tool-arg', `taskId=${handle.task.taskId}`]);
    expect(stranger.result).toMatchObject({ isError: true, content: [{ text: `Task not found: "${handle.task.taskId}"` }] });
  }, 300_000);

  it('export_context answers at once with a task id (handle mode)', async () => {
    const called = await runInspectorCli(example.mcpUrl, ['--method', 'tools/call', '--tool-name', 'export_context', '--tool-arg', 'context=dev', ...ALICE]);
    const answer = (called.result as { structuredContent: { promoted?: boolean; task: { taskId: string; kind: string } } }).structuredContent;
    expect(answer.task.kind).toBe('export');
    expect(answer.promoted).toBeUndefined();
    const cancelled = await runInspectorCli(example.mcpUrl, ['--method', 'tools/call', '--tool-name', 'task_cancel', '--tool-arg', `taskId=${answer.task.taskId}`, ...ALICE]);
    expect(cancelled.result).toMatchObject({ structuredContent: { task: { taskId: answer.task.taskId, status: 'cancelled' } } });
  }, 300_000);
});
