import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { fromJsonSchema } from '@modelcontextprotocol/server';
import type { AuthInfo } from '@modelcontextprotocol/server';
import { v2InProcessPerTest } from './support/v2-in-process.js';
import { callTool, envelope } from './support/wire.js';

// createHttpHandler in process, with the SDK's node:http face: the bearer-capability note, said only
// when it serves a request whose callers it cannot tell apart (no owner named, no authenticated
// principal), once; and a Headway tool registered without an inputSchema.
const NOTE = /a task id is a bearer capability/;
const serveV2 = v2InProcessPerTest();

async function serve(authenticate?: (req: IncomingMessage) => AuthInfo | undefined): Promise<{ url: URL; notes: string[] }> {
  const notes: string[] = [];
  const { url } = await serveV2({
    log: (line) => notes.push(line),
    ...(authenticate && { authenticate }),
    tools: (headway) => {
      headway.registerTool('echo', { description: 'Answers at once.', inputSchema: fromJsonSchema({ type: 'object', properties: {} }), task: { mode: 'inline' } }, async () => ({ ok: true }));
      for (const mode of ['inline', 'auto'] as const) {
        headway.registerTool(`bare_${mode}`, { description: 'Has no input schema.', task: { mode } }, async (args, ctx) => ({ args, taskId: typeof ctx.taskId }));
      }
    },
  });
  return { url, notes };
}

const byHeader = (req: IncomingMessage): AuthInfo | undefined => {
  const user = req.headers['x-user'];
  return typeof user === 'string' ? { token: user, clientId: 'test', scopes: [], extra: { sub: user } } : undefined;
};
const as = (user: string) => ({ headers: { 'x-user': user } });
const ok = (answer: Awaited<ReturnType<typeof callTool>>) => expect(answer.response).toMatchObject({ result: { structuredContent: { ok: true } } });

describe('createHttpHandler: the bearer-capability note', () => {
  it('is not printed when authenticate names every caller', async () => {
    const { url, notes } = await serve(byHeader);
    ok(await callTool(url, 'echo', {}, envelope({ tasks: false }), as('alice')));
    ok(await callTool(url, 'echo', {}, envelope({ tasks: false }), as('bob')));
    expect(notes.filter((line) => NOTE.test(line))).toEqual([]);
  });

  it('with authenticate, is printed once, at the first request it leaves unauthenticated', async () => {
    const { url, notes } = await serve(byHeader);
    ok(await callTool(url, 'echo', {}, envelope({ tasks: false }), as('alice')));
    expect(notes.filter((line) => NOTE.test(line))).toEqual([]);
    ok(await callTool(url, 'echo', {}, envelope({ tasks: false })));
    ok(await callTool(url, 'echo', {}, envelope({ tasks: false })));
    expect(notes.filter((line) => NOTE.test(line))).toHaveLength(1);
  });

  it('without authenticate or owner, is printed once, when the first request comes', async () => {
    const { url, notes } = await serve();
    expect(notes.filter((line) => NOTE.test(line))).toEqual([]);
    ok(await callTool(url, 'echo', {}, envelope({ tasks: false })));
    ok(await callTool(url, 'echo', {}, envelope({ tasks: false })));
    expect(notes.filter((line) => NOTE.test(line))).toHaveLength(1);
  });
});

describe('a Headway tool without an inputSchema (SDK v2 calls its callback with the context alone)', () => {
  it('runs, its handler getting ({}, ctx)', async () => {
    const { url } = await serve(byHeader);
    for (const name of ['bare_inline', 'bare_auto']) {
      const answer = await callTool(url, name, {}, envelope({ tasks: false }), as('alice'));
      expect(answer.response).toMatchObject({ result: { structuredContent: { args: {}, taskId: 'string' } } });
      expect(answer.response.result?.isError).toBeUndefined();
    }
  });
});
