// The main demo: an MCP client (the SDK's own) starts the schema-registry batch server over stdio
// and calls its long-running tools. The server runs on Headway's embedded defaults (a durable
// file store and event log); progress and logs arrive as MCP notifications and are drawn live.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ProgressBar } from './progress-bar.js';

const dataDir = mkdtempSync(join(tmpdir(), 'headway-demo-'));
const serverScript = fileURLToPath(new URL('./schema-registry/stdio.js', import.meta.url));
const transport = new StdioClientTransport({
  command: process.execPath,
  args: [serverScript, dataDir],
  env: { ...process.env, REGISTRY_SEED_SUBJECTS: '150', REGISTRY_LATENCY_MS: '25' } as Record<string, string>,
  stderr: 'inherit',
});
const client = new Client({ name: 'headway-demo', version: '0.1.0' });
const bar = new ProgressBar();
client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
  const data = n.params.data as { message?: string } | string;
  bar.log(`${n.params.level.padEnd(7)} ${typeof data === 'string' ? data : (data.message ?? JSON.stringify(data))}`);
});

const show = (result: CallToolResult) => JSON.stringify(result.structuredContent ?? result.content, null, 2);

try {
  await client.connect(transport);
  await client.setLoggingLevel('info');
  const tools = (await client.listTools()).tools.map((t) => t.name);
  console.log(`Connected to the schema-registry batch server over stdio. Tools: ${tools.join(', ')}\n`);

  console.log('1) count_schemas (inline: the call stays open, progress streams in)');
  const counted = await client.callTool({ name: 'count_schemas', arguments: {} }, undefined, {
    onprogress: (p) => bar.update(p.progress, p.total, p.message),
    resetTimeoutOnProgress: true,
  });
  bar.done();
  console.log(show(counted as CallToolResult), '\n');

  console.log("2) clear_context_batch on 'dev' for real (150 subjects, each a registry round trip)");
  const cleared = await client.callTool(
    { name: 'clear_context_batch', arguments: { context: 'dev', dryRun: false } },
    undefined,
    { onprogress: (p) => bar.update(p.progress, p.total, p.message), resetTimeoutOnProgress: true, timeout: 20_000 },
  );
  bar.done();
  console.log(show(cleared as CallToolResult), '\n');

  console.log('3) The task is still on record: task_list shows it with its final status');
  const listed = (await client.callTool({ name: 'task_list', arguments: {} })) as CallToolResult;
  const tasks = (listed.structuredContent as { tasks?: { taskId: string; kind: string; status: string; progress?: number }[] }).tasks ?? [];
  for (const t of tasks) console.log(`   ${t.taskId}  ${t.kind.padEnd(11)} ${t.status.padEnd(10)} ${t.progress ?? ''}`);
} finally {
  await client.close().catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
}
