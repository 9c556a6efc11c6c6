import { describe, expect, it } from 'vitest';
import { v2ServerPerFile } from './support/v2-server.js';
import { callTool, envelope, post, taskRequest } from './support/wire.js';

// The 2026-07-28 wire of the v2 binding as JSON over HTTP: discover, result types, error codes,
// headers, owners, input rounds, handles and their companion tools.
const EXT = 'io.modelcontextprotocol/tasks';
const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const v2 = v2ServerPerFile();

const as = (user: string) => ({ headers: { 'x-test-user': user } });
const structured = (answer: { response: { result?: Record<string, unknown> } }) => answer.response.result?.structuredContent as Record<string, unknown>;

describe('the v2 binding on the wire (2026-07-28)', () => {
  it('advertises the tasks extension in server/discover, and says at the first unauthenticated call that task ids are bearer capabilities', async () => {
    const discover = await post(v2.url, 'server/discover', { _meta: envelope() });
    expect(discover.response.result?.capabilities).toMatchObject({ extensions: { [EXT]: {} } });
    await callTool(v2.url, 'slow_inline', { ms: 1 }, envelope(), as('alice'));
    expect(v2.server.output()).not.toMatch(/bearer capability/);
    await callTool(v2.url, 'slow_inline', { ms: 1 }, envelope());
    expect(v2.server.output()).toMatch(/a task id is a bearer capability .* task listing is off/);
  });

  it('a task answer only to a client that declared the extension: -32021 with requiredCapabilities otherwise', async () => {
    const refused = await callTool(v2.url, 'slow_native', { ms: 10 }, envelope({ tasks: false }));
    expect(refused.response.error).toEqual({ code: -32021, message: expect.stringMatching(/slow_native runs only as a task/), data: { requiredCapabilities: { extensions: { [EXT]: {} } } } });
    const created = await callTool(v2.url, 'slow_native', { ms: 10 });
    expect(created.response.result).toMatchObject({ resultType: 'task', taskId: expect.any(String), status: 'working', ttlMs: expect.any(Number), pollIntervalMs: expect.any(Number) });
    const taskId = created.response.result!.taskId as string;
    const undeclared = await taskRequest(v2.url, 'tasks/get', { taskId }, envelope({ tasks: false }));
    expect(undeclared.response.error).toMatchObject({ code: -32021, data: { requiredCapabilities: { extensions: { [EXT]: {} } } } });
  });

  it('tasks/get inlines the result with resultType "complete"; unknown ids and other owners answer the same -32602; Mcp-Name is required', async () => {
    const created = await callTool(v2.url, 'slow_native', { ms: 10 }, envelope({ extra: { traceparent: TRACEPARENT } }), as('alice'));
    const taskId = created.response.result!.taskId as string;
    let got = await taskRequest(v2.url, 'tasks/get', { taskId }, envelope(), as('alice'));
    for (let i = 0; i < 100 && got.response.result?.status === 'working'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      got = await taskRequest(v2.url, 'tasks/get', { taskId }, envelope(), as('alice'));
    }
    expect(got.response.result).toMatchObject({
      resultType: 'complete',
      taskId,
      status: 'completed',
      result: { resultType: 'complete', structuredContent: { slept: 10, traceparent: TRACEPARENT, owner: 'principal:alice' } },
    });
    const unknown = await taskRequest(v2.url, 'tasks/get', { taskId: 'no-such-task' });
    expect(unknown.response.error).toEqual({ code: -32602, message: 'Failed to retrieve task: Task not found' });
    expect((await taskRequest(v2.url, 'tasks/get', { taskId }, envelope(), as('bob'))).response.error).toEqual(unknown.response.error);
    expect((await taskRequest(v2.url, 'tasks/get', { taskId })).response.error).toEqual(unknown.response.error);
    expect((await taskRequest(v2.url, 'tasks/cancel', { taskId }, envelope(), as('bob'))).response.error).toEqual(unknown.response.error);
    const nameless = await post(v2.url, 'tasks/get', { taskId, _meta: envelope() }, as('alice'));
    expect(nameless.status).toBe(400);
    expect(nameless.response.error?.code).toBe(-32020);
  });

  it('past the budget without the extension: a handle, followed with the companion tools; listing is off for anonymous callers', async () => {
    const handle = await callTool(v2.url, 'slow_auto', { ms: 800 }, envelope({ tasks: false }));
    const task = structured(handle).task as { taskId: string };
    expect(structured(handle)).toMatchObject({ promoted: true, follow: { wait: 'task_wait', status: 'task_status' } });
    // The same status line as inline progress and the extension's statusMessage: phase, counts, percent.
    const line = /^Deleting subjects: \d+\/16 \(\d+ %\)/;
    expect((structured(handle).task as { statusMessage?: string }).statusMessage).toMatch(line);
    // Sub-second budgets are said in ms (600 here), not rounded to whole seconds.
    expect((handle.response.result?.content as { text: string }[])[0]!.text).toContain(`${task.taskId} (slow_auto) is taking longer than 600 ms, so it continues in the background.`);
    const status = await callTool(v2.url, 'task_status', { taskId: task.taskId }, envelope({ tasks: false }));
    expect((structured(status).task as { statusMessage?: string }).statusMessage).toMatch(line);
    // This binding serves no task:// resources, so neither the handle nor task_status names one.
    expect(JSON.stringify(handle.response.result)).not.toContain('task://');
    expect(structured(handle).follow).not.toHaveProperty('resource');
    expect(structured(handle).task).not.toHaveProperty('resourceUri');
    expect(JSON.stringify(status.response.result)).not.toContain('task://');
    const waited = await callTool(v2.url, 'task_wait', { taskId: task.taskId }, envelope({ tasks: false }));
    expect(structured(waited)).toMatchObject({ slept: 800, owner: 'anonymous' });
    const listed = await callTool(v2.url, 'task_list', {}, envelope({ tasks: false }));
    expect(listed.response.result).toMatchObject({ isError: true, content: [{ text: expect.stringMatching(/Listing tasks is off/) }] });
    const mine = await callTool(v2.url, 'task_list', {}, envelope({ tasks: false }), as('carol'));
    expect(mine.response.result?.isError).toBeUndefined();
    // A tool with an outputSchema answers with a handle too (not an isError about missing structured content).
    const structuredHandle = await callTool(v2.url, 'slow_structured', { ms: 800 }, envelope({ tasks: false }));
    expect(structuredHandle.response.result?.isError).toBeUndefined();
    expect(structured(structuredHandle)).toMatchObject({ promoted: true, task: { taskId: expect.any(String) } });
  });

  it('input while inline, without the extension: an input_required round answered by retrying the call', async () => {
    const first = await callTool(v2.url, 'slow_auto', { ms: 50, ask_first: true }, envelope({ tasks: false, elicitation: true }));
    const round = first.response.result as { resultType: string; inputRequests: Record<string, { method: string; params: Record<string, unknown> }>; requestState: string };
    expect(round.resultType).toBe('input_required');
    const [key, request] = Object.entries(round.inputRequests)[0]!;
    expect(request).toEqual({ method: 'elicitation/create', params: { mode: 'form', message: 'Continue deleting?', requestedSchema: expect.objectContaining({ type: 'object' }) } });
    const retried = await post(
      v2.url,
      'tools/call',
      { name: 'slow_auto', arguments: { ms: 50, ask_first: true }, inputResponses: { [key]: { action: 'accept', content: { confirm: true } } }, requestState: round.requestState, _meta: envelope({ tasks: false, elicitation: true }) },
      { name: 'slow_auto' },
    );
    expect(retried.response).toMatchObject({ result: { structuredContent: { slept: 50, answer: { confirm: true } } } });
    const forged = await post(v2.url, 'tools/call', { name: 'slow_auto', arguments: { ms: 50 }, requestState: 'v1.forged.state', _meta: envelope({ tasks: false }) }, { name: 'slow_auto' });
    expect(forged.response.error?.code ?? (forged.response.result?.isError ? -32602 : 0)).toBe(-32602);
  });

  it('a handle task that asks: task_status shows the question, task_respond answers it', async () => {
    const handle = await callTool(v2.url, 'slow_handle', { ms: 100, ask_first: true }, envelope({ tasks: false }), as('dave'));
    const taskId = (structured(handle).task as { taskId: string }).taskId;
    let status = await callTool(v2.url, 'task_status', { taskId }, envelope({ tasks: false }), as('dave'));
    for (let i = 0; i < 100 && !structured(status).question; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      status = await callTool(v2.url, 'task_status', { taskId }, envelope({ tasks: false }), as('dave'));
    }
    const question = structured(status).question as { requestId: string; message: string };
    expect(question.message).toBe('Continue deleting?');
    expect((status.response.result?.content as { text: string }[])[0]!.text).toMatch(/Answer with task_respond/);
    const answered = await callTool(v2.url, 'task_respond', { taskId, requestId: question.requestId, action: 'accept', content: { confirm: true } }, envelope({ tasks: false }), as('dave'));
    expect(answered.response.result?.isError).toBeUndefined();
    const waited = await callTool(v2.url, 'task_wait', { taskId }, envelope({ tasks: false }), as('dave'));
    expect(structured(waited)).toMatchObject({ answer: { confirm: true } });
  });

  it('an inline call sends strictly increasing progress with a status line, and closing its stream cancels the task', async () => {
    const progressed = await callTool(v2.url, 'slow_inline', { ms: 300 }, envelope({ extra: { progressToken: 'p1' } }));
    const values = progressed.messages.filter((m) => m.method === 'notifications/progress').map((m) => m.params as { progress: number; message: string });
    expect(values.length).toBeGreaterThan(1);
    values.slice(1).forEach((v, i) => expect(v.progress).toBeGreaterThan(values[i]!.progress));
    expect(values.at(-1)!.message).toMatch(/^Deleting subjects: \d+\/\d+ \(\d+ %\)/);

    const aborter = new AbortController();
    const open = callTool(v2.url, 'slow_inline', { ms: 60_000 }, envelope({ extra: { progressToken: 'p2' } }), { ...as('erin'), signal: aborter.signal }).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 600));
    aborter.abort();
    await open;
    let listed: Record<string, unknown>[] = [];
    for (let i = 0; i < 100; i++) {
      listed = (structured(await callTool(v2.url, 'task_list', {}, envelope({ tasks: false }), as('erin'))).tasks as Record<string, unknown>[]) ?? [];
      if (listed[0]?.status === 'cancelled') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(listed).toEqual([expect.objectContaining({ kind: 'slow_inline', status: 'cancelled' })]);
  });
});
