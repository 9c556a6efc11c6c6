import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInspectorCli } from './support/inspector-cli.js';
import { startServerProcess } from './support/server-process.js';
import type { ServerProcess } from './support/server-process.js';

// MCP Inspector 2.12's CLI (Node 22 from the npm registry) against the v2 binding in its own process:
// a call longer than the budget becomes an extension task, which the Inspector settles.
const FIXTURE = fileURLToPath(new URL('./fixtures/v2-http-server.mjs', import.meta.url));
let server: ServerProcess;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'headway-v2-inspector-'));
  server = await startServerProcess({ script: FIXTURE, args: [dataDir], env: { INLINE_BUDGET_MS: '300' } });
});
afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('MCP Inspector CLI against the v2 binding', () => {
  it('calls a long auto tool on 2026-07-28 and prints the settled result of its task', async () => {
    const answer = await runInspectorCli(server.url, ['--protocol-era', 'modern', '--method', 'tools/call', '--tool-name', 'slow_auto', '--tool-args-json', '{"ms":1500}']);
    expect(answer).toMatchObject({ result: { structuredContent: { slept: 1500, owner: 'anonymous' }, resultType: 'complete' } });
  }, 180_000);
});
