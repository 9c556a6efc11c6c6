import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ANY_OWNER } from '@headway/core';
import { FileTaskStore } from '@headway/file-store';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { eventually, inMemory, newManager } from './support/harness.js';
import type { InMemorySetup } from './support/harness.js';

// With a durable store, a shutdown leaves a running task unfinished (for recovery) and releases
// every wait on it: an inline call that was following it answers then, and says why.
let setup: InMemorySetup | undefined;
let dir: string | undefined;
afterEach(async () => {
  await setup?.close();
  setup = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

async function durableSetup(): Promise<InMemorySetup> {
  dir = mkdtempSync(join(tmpdir(), 'headway-shutdown-answer-'));
  const s = await inMemory({ manager: newManager({ store: new FileTaskStore(dir) }) });
  s.headway.registerTool('resumable_wait', { description: 'Waits until aborted; resumable.', task: { mode: 'inline', resumable: true } }, async (_args, ctx) => {
    s.probe.started.add(ctx.taskId);
    ctx.progress.update(30, 'a third');
    await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
    throw ctx.signal.reason;
  });
  return s;
}

function textOf(result: CallToolResult): string {
  return (result.content[0] as { text: string }).text;
}

describe('an inline call whose server shuts down', () => {
  it('says the server is shutting down, not that the task is taking longer than its budget', async () => {
    setup = await durableSetup();
    const call = setup.client.callTool({ name: 'until_cancelled', arguments: {} });
    await eventually(() => setup!.probe.started.size === 1);
    const id = [...setup.probe.started][0]!;
    await setup.manager.shutdown({ mode: 'abort', timeoutMs: 2_000 });
    const result = (await call) as CallToolResult;
    expect(textOf(result)).not.toMatch(/taking longer/);
    expect(textOf(result)).toMatch(new RegExp(`^The server is shutting down, so task ${id} \\(until_cancelled\\) stopped before it finished \\(0% done\\)\\. It is not resumable`));
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toMatchObject({ stopped: 'shutdown', task: { taskId: id } });
    expect(result.structuredContent).not.toHaveProperty('promoted');
  });

  it('a resumable task: says it goes on from its checkpoint once the server runs again', async () => {
    setup = await durableSetup();
    const call = setup.client.callTool({ name: 'resumable_wait', arguments: {} });
    await eventually(() => setup!.probe.started.size === 1);
    const id = [...setup.probe.started][0]!;
    await eventually(async () => ((await setup!.manager.get(id, { owner: ANY_OWNER }))?.progress ?? 0) >= 30);
    await setup.manager.shutdown({ mode: 'abort', timeoutMs: 2_000 });
    const result = (await call) as CallToolResult;
    expect(textOf(result)).toMatch(new RegExp(`^The server is shutting down, so task ${id} \\(resumable_wait\\) stopped before it finished \\(30% done\\)\\. It goes on from its last checkpoint once the server runs again; then call task_wait`));
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ stopped: 'shutdown', task: { taskId: id, status: 'working' } });
  });
});
