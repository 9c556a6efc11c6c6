import { describe, expect, it } from 'vitest';
import { v2ServerPerFile } from './support/v2-server.js';
import { runInspectorCli } from './support/inspector-cli.js';

// MCP Inspector 2.12's CLI (Node 22 from the npm registry) against the v2 binding in its own process:
// a call longer than the budget becomes an extension task, which the Inspector settles.
const v2 = v2ServerPerFile();

describe('MCP Inspector CLI against the v2 binding', () => {
  it('calls a long auto tool on 2026-07-28 and prints the settled result of its task', async () => {
    const answer = await runInspectorCli(v2.url, ['--protocol-era', 'modern', '--method', 'tools/call', '--tool-name', 'slow_auto', '--tool-args-json', '{"ms":1500}']);
    expect(answer).toMatchObject({ result: { structuredContent: { slept: 1500, owner: 'anonymous' }, resultType: 'complete' } });
  }, 180_000);
});
