// npm run demo: Headway's whole story in about half a minute (after install and build). The demo starts a real MCP server in its
// own process (src/demo/server.ts: Streamable HTTP, tasks in a FileTaskStore) and talks to it with
// the MCP SDK's own Client: live bars, a handle past the inline budget, a cancellation, a SIGKILL
// and a restart with the task resuming from its checkpoint. Then the server keeps running, with its
// dashboard and /metrics, until Ctrl-C.
//
// On a terminal, bars are redrawn in place; piped to a file, it prints one line per step and no
// control codes. `--exit` (or HEADWAY_DEMO_EXIT=1) stops the server and exits at the end.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { DEMO_STEPS } from './demo/steps.js';
import type { Demo } from './demo/steps.js';
import { ServerProcess } from './demo/server-process.js';
import { ProgressBoard } from './progress-bar.js';

const exitAtEnd = process.argv.includes('--exit') || process.env.HEADWAY_DEMO_EXIT === '1';
const board = new ProgressBoard();
const dataDir = mkdtempSync(join(tmpdir(), 'headway-demo-'));
const token = randomBytes(16).toString('base64url');
const client = new Client({ name: 'headway-demo', version: '0.1.0' });
let server: ServerProcess | undefined;

async function cleanUp(): Promise<void> {
  await client.close().catch(() => undefined);
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

// Ctrl-C: the terminal signals the whole process group, and npm forwards its own copy, so a second
// SIGINT (or a second Ctrl-C) must not end the demo before it has stopped its server.
let stopping = false;
process.on('SIGINT', () => {
  if (stopping) return;
  stopping = true;
  board.print('Stopping the server…');
  void cleanUp().then(() => process.exit(0));
});

try {
  server = await ServerProcess.start({ dataDir, token });
  const mcpUrl = new URL('/mcp', server.url);
  // The server starts again on the same port after the crash step: this one client and transport serve the whole demo.
  await client.connect(new StreamableHTTPClientTransport(mcpUrl, { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
  const tools = (await client.listTools()).tools.map((t) => t.name);
  board.print(`Headway demo: the MCP SDK's own client and a real MCP server in its own process (pid ${server.pid}), over Streamable HTTP at ${mcpUrl.href}`);
  board.print(`    tasks are kept in a FileTaskStore under ${dataDir}; tools: ${tools.join(', ')}`);

  const demo: Demo = {
    client,
    mcpUrl,
    authorization: `Bearer ${token}`,
    board,
    get server() {
      return server!;
    },
    crashServer: () => server!.kill(),
    restartServer: async () => (server = await ServerProcess.start({ dataDir, token, port: server!.port })),
  };
  for (const [i, step] of DEMO_STEPS.entries()) {
    board.print(`[${i + 1}/${DEMO_STEPS.length}] ${step.title}`);
    await step.run(demo);
  }

  const metrics = await fetch(new URL('/metrics', server.url)).then((r) => r.text());
  const samples = metrics.split('\n').filter((line) => line.startsWith('headway_')).length;
  if (exitAtEnd) {
    await cleanUp();
    board.print(`Done: every task above was on record; /metrics answered with ${samples} headway_* samples (the restarted process's counters). The server is stopped and its data removed (--exit).`);
  } else {
    board.print(`Done. The server keeps running (pid ${server.pid}) and has every task above on record:`);
    board.print(`    dashboard  ${new URL('/tasks/', server.url).href}`);
    board.print(`    metrics    ${new URL('/metrics', server.url).href}   (${samples} headway_* samples; this process's counters, so they start at the restart)`);
    board.print(`    MCP        ${mcpUrl.href}   (header Authorization: Bearer ${token})`);
    board.print('Press Ctrl-C to stop it.');
  }
} catch (error) {
  board.print(`Demo failed: ${(error as Error).message}${server?.errors() ?? ''}`);
  await cleanUp();
  process.exitCode = 1;
}
