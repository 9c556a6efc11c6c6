// Spike: the v1 SDK client (@modelcontextprotocol/sdk 1.32, protocol 2025-11-25) against the v2
// server of spike/server.mjs (createMcpHandler's stateless legacy leg).
// Run: node spike/legacy-client.mjs http://127.0.0.1:PORT/mcp
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CallToolResultSchema, CreateTaskResultSchema, ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';

const url = new URL(process.argv[2]);
let failures = 0;
async function check(name, fn) {
  try {
    console.log(`ok   ${name}: ${await fn()}`);
  } catch (error) {
    failures++;
    console.log(`FAIL ${name}: ${error?.message ?? error}`);
  }
}

const client = new Client({ name: 'v1-client', version: '0.0.0' }, { capabilities: { elicitation: {} } });
client.setRequestHandler(ElicitRequestSchema, async () => ({ action: 'accept', content: { confirm: true } }));
await client.connect(new StreamableHTTPClientTransport(url));
console.log(`negotiated ${client.getNegotiatedProtocolVersion?.() ?? '?'}; server tasks capability ${JSON.stringify(client.getServerCapabilities()?.tasks)}; session ${client.transport?.sessionId ?? 'none'}`);

await check('tools/list shows execution.taskSupport', async () => {
  const { tools } = await client.listTools();
  return tools.map((t) => `${t.name}=${t.execution?.taskSupport}`).join(', ');
});

await check('inline call with progress', async () => {
  const seen = [];
  const result = await client.callTool({ name: 'long_job', arguments: { steps: 2, step_ms: 20 } }, CallToolResultSchema, { onprogress: (p) => seen.push(p.progress) });
  return `${result.content[0].text}; progress ${JSON.stringify(seen)}`;
});

await check('task-augmented call: CreateTaskResult, tasks/get, tasks/result', async () => {
  const created = await client.request({ method: 'tools/call', params: { name: 'long_job', arguments: { steps: 3, step_ms: 100 }, task: { ttl: 60_000 } } }, CreateTaskResultSchema);
  const id = created.task.taskId;
  const got = await client.experimental.tasks.getTask(id);
  const result = await client.experimental.tasks.getTaskResult(id, CallToolResultSchema);
  return `${id} ${got.status} -> ${result.content[0].text}`;
});

await check('tasks/cancel', async () => {
  const created = await client.request({ method: 'tools/call', params: { name: 'long_job_native', arguments: { steps: 100, step_ms: 100 }, task: {} } }, CreateTaskResultSchema);
  const cancelled = await client.experimental.tasks.cancelTask(created.task.taskId);
  return cancelled.status;
});

await check('inline elicitation is refused on the stateless legacy leg (an SDK limit, not a bug here)', async () => {
  const result = await client.callTool({ name: 'long_job', arguments: { steps: 2, step_ms: 20, ask_at: 0 } }, CallToolResultSchema, { timeout: 5000 });
  const text = result.content[0].text;
  if (!result.isError || !text.includes('per-request legacy serving cannot receive server-to-client requests')) throw new Error(text);
  return text;
});

await client.close();
console.log(failures === 0 ? 'all passed' : `${failures} failed`);
process.exit(failures === 0 ? 0 : 1);
