// Spike: the official requester (@modelcontextprotocol/client 2.4 + @modelcontextprotocol/ext-tasks
// 0.2) against spike/server.mjs. Run: node spike/client.mjs http://127.0.0.1:PORT/mcp
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { createTaskSessionFromClient, resultFromTaskOutcome } from '@modelcontextprotocol/ext-tasks/client';
import { createHttpRawDispatch } from '../dist/http-raw-dispatch.js';

const url = new URL(process.argv[2]);
const clientInfo = { name: 'spike-client', version: '0.0.0' };
const clientCapabilities = { elicitation: { form: {} } };
const inputs = [];
let failures = 0;

async function openSession() {
  const client = new Client(clientInfo, { capabilities: clientCapabilities, versionNegotiation: { mode: { pin: '2026-07-28' } } });
  await client.connect(new StreamableHTTPClientTransport(url));
  const session = createTaskSessionFromClient(client, {
    endpointId: `spike:${url.href}`,
    rawDispatch: createHttpRawDispatch({ url }),
    v2RequestFraming: { protocolVersion: '2026-07-28', clientInfo, clientCapabilities },
    onInputRequest: async (request, context) => {
      inputs.push({ kind: request.kind, delivery: context.delivery, message: request.params?.message });
      return { action: 'accept', content: { confirm: true } };
    },
  });
  return { client, session, async close() { await session.close(); await client.close(); } };
}

async function check(name, fn) {
  const started = performance.now();
  try {
    const detail = await fn();
    console.log(`ok   ${name} (${Math.round(performance.now() - started)} ms)${detail ? `: ${detail}` : ''}`);
  } catch (error) {
    failures++;
    console.log(`FAIL ${name}: ${error?.stack ?? error}`);
  }
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

const a = await openSession();
console.log(`era ${a.client.getProtocolEra()}; server extensions ${JSON.stringify(a.client.getServerCapabilities()?.extensions)}`);

await check('short call answers inline (immediate execution)', async () => {
  const execution = await a.session.callTool('long_job', { steps: 2, step_ms: 10 });
  assert(execution.kind === 'immediate', `kind ${execution.kind}`);
  const { outcome } = await execution.settle();
  return `${outcome.status}: ${resultFromTaskOutcome(outcome).content[0].text}`;
});

await check('long call becomes an extension task and settles', async () => {
  const execution = await a.session.callTool('long_job', { steps: 8, step_ms: 250 });
  assert(execution.kind === 'task', `kind ${execution.kind}`);
  const seen = [];
  const { outcome } = await execution.settle({ onEvent: (e) => { if (e.type === 'task' && e.task.statusMessage) seen.push(e.task.statusMessage); } });
  assert(outcome.status === 'completed', outcome.status);
  return `${execution.handle.taskId} ${outcome.status}; status lines seen: ${JSON.stringify(seen.slice(-2))}`;
});

await check('structured tool (outputSchema) becomes a task and settles with structuredContent', async () => {
  const execution = await a.session.callTool('long_job_structured', { steps: 6, step_ms: 250 });
  assert(execution.kind === 'task', `kind ${execution.kind}`);
  const { outcome } = await execution.settle();
  return JSON.stringify(resultFromTaskOutcome(outcome).structuredContent);
});

await check('input while inline: an input_required round, answered by a retried call', async () => {
  inputs.length = 0;
  const execution = await a.session.callTool('long_job', { steps: 2, step_ms: 20, ask_at: 0 });
  const { outcome } = await execution.settle();
  assert(outcome.status === 'completed', outcome.status);
  assert(inputs[0]?.delivery === 'request-retry', JSON.stringify(inputs));
  return `${execution.kind}, input ${JSON.stringify(inputs)}`;
});

await check('input during a task: inputRequests in tasks/get, answered by tasks/update', async () => {
  inputs.length = 0;
  const execution = await a.session.callTool('long_job_native', { steps: 4, step_ms: 100, ask_at: 2 });
  const { outcome } = await execution.settle();
  assert(outcome.status === 'completed', outcome.status);
  assert(inputs[0]?.delivery === 'task-update', JSON.stringify(inputs));
  return `input ${JSON.stringify(inputs)}`;
});

await check('tasks/cancel ends the task cancelled', async () => {
  const execution = await a.session.callTool('long_job_native', { steps: 100, step_ms: 100 });
  setTimeout(() => void execution.cancel(), 300);
  const { outcome } = await execution.settle();
  assert(outcome.status === 'cancelled', outcome.status);
  return outcome.status;
});

await check('a JSON-RPC failure settles failed with the error', async () => {
  const execution = await a.session.callTool('long_job_native', { steps: 1, step_ms: 10, fail: 'throw' });
  const { outcome } = await execution.settle();
  assert(outcome.status === 'failed', outcome.status);
  return `${outcome.error.code} ${outcome.error.message}`;
});

await check('an isError tool result settles completed', async () => {
  const execution = await a.session.callTool('long_job_native', { steps: 1, step_ms: 10, fail: 'is_error' });
  const { outcome } = await execution.settle();
  assert(outcome.status === 'completed' && outcome.result.isError === true, JSON.stringify(outcome));
  return 'completed, isError: true';
});

let reference;
await check('handoff: persist a reference, release the task', async () => {
  const execution = await a.session.callTool('long_job_native', { steps: 8, step_ms: 200 });
  await execution.handoff((ref) => { reference = ref; });
  return JSON.stringify(reference);
});
await a.close();

await check('resumeTask from a new client and session settles the same task', async () => {
  const b = await openSession();
  try {
    const execution = await b.session.resumeTask(reference);
    const { outcome } = await execution.settle();
    assert(outcome.status === 'completed', outcome.status);
    return `${execution.handle.taskId} ${outcome.status}`;
  } finally {
    await b.close();
  }
});

console.log(failures === 0 ? 'all passed' : `${failures} failed`);
process.exit(failures === 0 ? 0 : 1);
