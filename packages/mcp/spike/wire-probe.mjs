// Spike: raw JSON-RPC over HTTP against spike/server.mjs, printing the exact wire shapes.
// Run: node spike/wire-probe.mjs http://127.0.0.1:PORT/mcp
const url = process.argv[2];
const EXT = 'io.modelcontextprotocol/tasks';
let nextId = 1;

function envelope({ tasks = true, logLevel, elicitation = false, extra = {} } = {}) {
  return {
    'io.modelcontextprotocol/protocolVersion': '2026-07-28',
    'io.modelcontextprotocol/clientInfo': { name: 'wire-probe', version: '0.0.0' },
    'io.modelcontextprotocol/clientCapabilities': { ...(tasks && { extensions: { [EXT]: {} } }), ...(elicitation && { elicitation: {} }) },
    ...(logLevel && { 'io.modelcontextprotocol/logLevel': logLevel }),
    ...extra,
  };
}

async function post(method, params, { name, headers = {}, legacy = false } = {}) {
  const id = nextId++;
  const h = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers };
  if (!legacy) {
    h['mcp-protocol-version'] ??= '2026-07-28';
    h['mcp-method'] ??= method;
    if (name !== undefined) h['mcp-name'] ??= name;
  }
  const res = await fetch(url, { method: 'POST', headers: h, body: JSON.stringify({ jsonrpc: '2.0', id, method, params }) });
  const type = res.headers.get('content-type') ?? '';
  const text = await res.text();
  const messages = type.includes('text/event-stream')
    ? text.split('\n\n').filter((f) => f.includes('data: ')).map((f) => JSON.parse(f.slice(f.indexOf('data: ') + 6)))
    : text ? [JSON.parse(text)] : [];
  return { status: res.status, type, messages };
}

function show(title, r) {
  console.log(`\n### ${title}  (HTTP ${r.status}, ${r.type})`);
  for (const m of r.messages) console.log(JSON.stringify(m, null, 2));
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const call = (name, args, meta = envelope(), extra) => post('tools/call', { name, arguments: args, _meta: meta }, { name, ...extra });
const task = (method, params, meta = envelope(), extra) => post(method, { ...params, _meta: meta }, { name: params.taskId, ...extra });

show('server/discover', await post('server/discover', { _meta: envelope() }));
show('tools/list (modern)', await post('tools/list', { _meta: envelope() }));

show('tools/call long_job, short: answered inline', await call('long_job', { steps: 2, step_ms: 10 }, envelope({ tasks: true, logLevel: 'info', extra: { progressToken: 'p1', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' } })));
const created = await call('long_job', { steps: 6, step_ms: 300 });
show('tools/call long_job, longer than the budget, extension declared: CreateTaskResult', created);
const taskId = created.messages[0].result.taskId;
show('tasks/get while working', await task('tasks/get', { taskId }));
await sleep(2200);
show('tasks/get completed (result inlined)', await task('tasks/get', { taskId }));

show('tools/call long_job, longer than the budget, NOT declared: handle', await call('long_job', { steps: 6, step_ms: 300 }, envelope({ tasks: false })));
show('tools/call long_job_native, NOT declared: -32021', await call('long_job_native', { steps: 1 }, envelope({ tasks: false })));
show('tasks/get, NOT declared: -32021', await task('tasks/get', { taskId }, envelope({ tasks: false })));
show('tasks/get unknown id: -32602', await task('tasks/get', { taskId: 'nope' }));
show('tasks/get without Mcp-Name header', await post('tasks/get', { taskId, _meta: envelope() }, {}));
show('tasks/get with a wrong Mcp-Name header', await post('tasks/get', { taskId, _meta: envelope() }, { name: 'other' }));
show('tasks/list on the modern era', await post('tasks/list', { _meta: envelope() }));
show('tasks/result on the modern era', await task('tasks/result', { taskId }));

const failing = await call('long_job_native', { steps: 1, step_ms: 10, fail: 'throw' });
await sleep(300);
show('tasks/get failed (JSON-RPC error inlined)', await task('tasks/get', { taskId: failing.messages[0].result.taskId }));
const isError = await call('long_job_native', { steps: 1, step_ms: 10, fail: 'is_error' });
await sleep(300);
show('tasks/get completed with an isError result', await task('tasks/get', { taskId: isError.messages[0].result.taskId }));

const asking = await call('long_job_native', { steps: 3, step_ms: 50, ask_at: 1 });
const askId = asking.messages[0].result.taskId;
await sleep(400);
show('tasks/get input_required (inputRequests)', await task('tasks/get', { taskId: askId }));
show('tasks/update (inputResponses)', await task('tasks/update', { taskId: askId, inputResponses: { 'input-1': { action: 'accept', content: { confirm: true } } } }));
await sleep(400);
show('tasks/get after the answer', await task('tasks/get', { taskId: askId }));

const cancelling = await call('long_job_native', { steps: 50, step_ms: 100 });
const cancelId = cancelling.messages[0].result.taskId;
show('tasks/cancel', await task('tasks/cancel', { taskId: cancelId }));
show('tasks/get cancelled', await task('tasks/get', { taskId: cancelId }));

show('tools/call inline that needs input, elicitation NOT declared: -32021', await call('long_job', { steps: 3, step_ms: 50, ask_at: 0 }, envelope({ tasks: false })));
const mrtr = await call('long_job', { steps: 3, step_ms: 50, ask_at: 0 }, envelope({ tasks: false, elicitation: true }));
show('tools/call inline that needs input, NOT declared: input_required round', mrtr);
const round = mrtr.messages[0].result;
const retry = await post('tools/call', { name: 'long_job', arguments: { steps: 3, step_ms: 50, ask_at: 0 }, _meta: envelope({ tasks: false, elicitation: true }), inputResponses: { 'input-1': { action: 'accept', content: { confirm: true } } }, requestState: round.requestState }, { name: 'long_job' });
show('tools/call retried with inputResponses + requestState: completes inline', retry);

show('tools/call long_job_structured, longer than the budget (outputSchema route)', await call('long_job_structured', { steps: 6, step_ms: 300 }));

// notifications/tasks on a taskIds listen (served in front of the SDK's listen router)
const listened = await call('long_job_native', { steps: 3, step_ms: 100 });
show('subscriptions/listen { taskIds } until the task ends', await post('subscriptions/listen', { notifications: { taskIds: [listened.messages[0].result.taskId] }, _meta: envelope() }));
show('subscriptions/listen { taskIds }, NOT declared', await post('subscriptions/listen', { notifications: { taskIds: ['x'] }, _meta: envelope({ tasks: false }) }));
