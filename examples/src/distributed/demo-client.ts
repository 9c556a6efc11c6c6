// The `--demo` client: one user on replica A and on replica B.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

async function connect(url: URL): Promise<Client> {
  const client = new Client({ name: 'distributed-demo', version: '0.1.0' });
  await client.connect(new StreamableHTTPClientTransport(url, { requestInit: { headers: { authorization: 'Bearer demo' } } }));
  return client;
}

export async function runDemo([urlA, urlB]: URL[]): Promise<void> {
  const a = await connect(urlA!);
  const b = await connect(urlB!);
  try {
    let last = -1;
    console.log(`\n[demo] replica A: count_schemas, inline, with progress from the worker that runs it`);
    const counted = (await a.callTool({ name: 'count_schemas', arguments: {} }, CallToolResultSchema, {
      onprogress: (p) => {
        if (Math.floor(p.progress / 25) > Math.floor(last / 25) || p.progress === 100) console.log(`[demo]   progress ${p.progress.toFixed(0)}% ${p.message ?? ''}`);
        last = p.progress;
      },
    })) as CallToolResult;
    console.log(`[demo]   result: ${JSON.stringify(counted.structuredContent)}`);
    console.log(`[demo] replica A: clear_context_batch of 'staging' (for real)`);
    const cleared = (await a.callTool({ name: 'clear_context_batch', arguments: { context: 'staging', dry_run: false } }, CallToolResultSchema, { timeout: 120_000 })) as CallToolResult;
    console.log(`[demo]   result: ${JSON.stringify(cleared.structuredContent)}`);
    console.log(`[demo] replica B: task_list of the same user`);
    const listed = (await b.callTool({ name: 'task_list', arguments: {} }, CallToolResultSchema)) as CallToolResult;
    const tasks = (listed.structuredContent as { tasks: { taskId: string; kind: string; status: string }[] }).tasks;
    for (const t of tasks) console.log(`[demo]   ${t.taskId} ${t.kind} ${t.status}`);
    console.log(`[demo] done: ${tasks.length} tasks, started on A, run on the workers, read from B`);
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
}
