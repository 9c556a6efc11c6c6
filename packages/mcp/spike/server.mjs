// Spike: one SDK v2 server (createMcpHandler over node:http) serving both protocol generations:
// 2026-07-28 with the tasks extension (flat CreateTaskResult, tasks/get|update|cancel, -32021,
// input_required rounds, notifications/tasks on a taskIds listen) and 2025-11-25 with native tasks.
// Run: node spike/server.mjs   (env PORT, INLINE_BUDGET_MS, SPIKE_NO_OUTPUT_ROUTE=1, SPIKE_QUIET=1)
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { createMcpHandler, createRequestStateCodec, fromJsonSchema, McpServer, ProtocolError } from '@modelcontextprotocol/server';
import { declaresTasksExtension, missingTasksExtensionError, taskNotFoundError, tasksExtensionCapability } from '../dist/ext-tasks-negotiation.js';
import { encodeAcknowledgement, encodeCreateTaskResult, encodeGetTaskResult } from '../dist/ext-tasks-wire.js';
import { toNodeListener } from '../dist/node-http-adapter.js';
import { statusLine } from '../dist/status-line.js';
import { findJob, Job, jobs, changes, sleep } from './jobs.mjs';
import { legacyTaskHandlers, toTask2025 } from './legacy.mjs';
import { frontDoor } from './listen.mjs';

const BUDGET_MS = Number(process.env.INLINE_BUDGET_MS ?? 1000);
const quiet = process.env.SPIKE_QUIET === '1';
const log = (...args) => { if (!quiet) console.error('[spike]', ...args); };
const stateCodec = createRequestStateCodec({ key: randomBytes(32), ttlSeconds: 600 });

const LONG_INPUT = fromJsonSchema({
  type: 'object',
  properties: {
    steps: { type: 'integer', minimum: 0, maximum: 10000 },
    step_ms: { type: 'integer', minimum: 0, maximum: 60000 },
    ask_at: { type: 'integer', minimum: 0 },
    fail: { type: 'string', enum: ['none', 'throw', 'is_error'] },
  },
});
const STRUCTURED_OUTPUT = fromJsonSchema({ type: 'object', properties: { steps: { type: 'integer' } }, required: ['steps'] });
const CONFIRM = { type: 'object', properties: { confirm: { type: 'boolean', title: 'Continue' } }, required: ['confirm'] };

// --- the long work (one function, whatever the mode) --------------------------------------------
async function run(job, args) {
  const steps = args.steps ?? 10;
  const stepMs = args.step_ms ?? 200;
  try {
    job.progress('Preparing', undefined, undefined, 0);
    for (let i = 0; i < steps; i++) {
      if (args.ask_at === i) {
        const answer = await job.elicit(`Continue after step ${i}?`, CONFIRM);
        if (answer?.action !== 'accept' || answer.content?.confirm !== true) {
          job.complete({ content: [{ type: 'text', text: `Stopped at step ${i}: the user said no` }], isError: true });
          return;
        }
      }
      await sleep(stepMs, job.aborter.signal);
      job.progress('Deleting subjects', i + 1, steps, 10 + (80 * (i + 1)) / steps);
    }
    if (args.fail === 'throw') return job.fail({ code: -32603, message: 'Backend exploded' });
    if (args.fail === 'is_error') return job.complete({ content: [{ type: 'text', text: 'Registry said no' }], isError: true });
    const out = { steps, traceparent: job.traceparent ?? null };
    job.complete({ content: [{ type: 'text', text: JSON.stringify(out) }], structuredContent: out });
  } catch (error) {
    if (!job.terminal) job.fail({ code: -32603, message: String(error?.message ?? error) });
  }
}

export function startJob(tool, args, meta, ttlMs) {
  const job = new Job(tool, typeof ttlMs === 'number' ? Math.min(ttlMs, 86_400_000) : undefined);
  if (typeof meta?.traceparent === 'string') job.traceparent = meta.traceparent;
  setImmediate(() => void run(job, args)); // the answer carrying the id goes out first
  return job;
}

function nextInput(job) {
  return new Promise((resolve) => {
    const check = (changed) => {
      if (changed !== job || job.status !== 'input_required') return;
      changes.off('change', check);
      resolve('input');
    };
    changes.on('change', check);
    job.done.then(() => changes.off('change', check));
  });
}

// --- one tools/call in the modern era: inline until the budget, then a task (or a handle) -------
async function callLong(mode, name, args, ctx, registered) {
  const meta = ctx.mcpReq._meta;
  // The SDK lifts the envelope keys (protocol version, client info and capabilities, log level)
  // out of `_meta` into `ctx.mcpReq.envelope`; `_meta` keeps the rest (progressToken, traceparent).
  const declared = declaresTasksExtension(ctx.mcpReq.envelope);
  // An input_required retry names its job in the signed requestState.
  const state = ctx.mcpReq.requestState();
  let job = typeof state?.jobId === 'string' ? findJob(state.jobId) : undefined;
  if (job) job.answer(ctx.mcpReq.inputResponses);
  if (mode === 'native' && !declared) {
    // Thrown here, McpServer turns it into an isError tool result (the fallback); toolsCallFront
    // answers -32021 before the tool callback runs.
    const e = missingTasksExtensionError(`Tool ${name} runs only as a task: declare io.modelcontextprotocol/tasks`);
    throw new ProtocolError(e.code, e.message, e.data);
  }
  job ??= startJob(name, args, meta);
  await ctx.mcpReq.log('info', `job ${job.id} for ${name}`, 'spike'); // sent only if the request asked for a level
  if (mode === 'native') return taskAnswer(job, registered);

  const token = meta?.progressToken;
  let sent = -1;
  const onChange = (changed) => {
    if (changed !== job || token === undefined || !(changed.percent > sent)) return;
    sent = changed.percent;
    void ctx.mcpReq.notify({ method: 'notifications/progress', params: { progressToken: token, progress: changed.percent, total: 100, message: statusLine(changed) } }).catch(() => {});
  };
  const onAbort = () => { log('request stream closed: cancelling', job.id); job.cancel('The client closed the request'); };
  changes.on('change', onChange);
  ctx.mcpReq.signal.addEventListener('abort', onAbort, { once: true });
  try {
    const outcome = await Promise.race([job.done.then(() => 'done'), sleep(BUDGET_MS).then(() => 'budget'), nextInput(job)]);
    if (outcome === 'done' || job.terminal) return finalAnswer(job);
    if (outcome === 'input') {
      // While inline, the 2026-07-28 input_required round: the client answers and retries this same
      // call, whose signed requestState names the job (a client that declared the extension would
      // also handle a task whose tasks/get shows the inputRequests).
      return { resultType: 'input_required', inputRequests: { ...job.inputRequests }, requestState: await stateCodec.mint({ jobId: job.id }) };
    }
    if (declared) return taskAnswer(job, registered);
    return handleAnswer(job);
  } finally {
    changes.off('change', onChange);
    ctx.mcpReq.signal.removeEventListener('abort', onAbort);
  }
}

function finalAnswer(job) {
  if (job.status === 'completed') return job.result;
  if (job.status === 'failed') throw new ProtocolError(job.error.code, job.error.message, job.error.data);
  return { content: [{ type: 'text', text: `Task ${job.id} was cancelled` }], isError: true };
}

function taskAnswer(job, registered) {
  // The outputSchema route: this instance serves this one request, so its tool may drop the schema
  // the SDK would otherwise enforce on the task answer (it turns it into an isError result).
  if (registered?.outputSchema && process.env.SPIKE_NO_OUTPUT_ROUTE !== '1') registered.outputSchema = undefined;
  log(`${job.tool}: answered with the extension task ${job.id}`);
  return encodeCreateTaskResult(job.state());
}

function handleAnswer(job) {
  log(`${job.tool}: answered with a handle to ${job.id}`);
  return { content: [{ type: 'text', text: `Task ${job.id} continues in the background; poll it with tasks/get or a companion tool.` }], structuredContent: { task: { taskId: job.id, status: job.status } } };
}

// --- the extension's methods (three-argument form: the only one the 2026 gate lets through) ------
const TASK_ID = fromJsonSchema({ type: 'object', properties: { taskId: { type: 'string' } }, required: ['taskId'] });

function requireExtension(ctx) {
  if (declaresTasksExtension(ctx.mcpReq.envelope)) return;
  const e = missingTasksExtensionError();
  throw new ProtocolError(e.code, e.message, e.data);
}

function jobOrNotFound(taskId) {
  const job = findJob(taskId);
  if (job) return job;
  const e = taskNotFoundError();
  throw new ProtocolError(e.code, e.message);
}

function extensionHandlers(server) {
  const twoArg = process.env.SPIKE_TWO_ARG === '1';
  if (twoArg) server.setRequestHandler('tasks/get', (request, ctx) => { requireExtension(ctx); return encodeGetTaskResult(jobOrNotFound(request.params.taskId).state()); });
  else server.setRequestHandler('tasks/get', { params: TASK_ID }, (params, ctx) => {
    requireExtension(ctx);
    return encodeGetTaskResult(jobOrNotFound(params.taskId).state());
  });
  // The SDK lifts `inputResponses` (and `requestState`) out of every request's params into
  // ctx.mcpReq (its multi-round-trip retry fields), so tasks/update reads them from there.
  server.setRequestHandler('tasks/update', { params: TASK_ID }, (params, ctx) => {
    requireExtension(ctx);
    jobOrNotFound(params.taskId).answer(ctx.mcpReq.inputResponses);
    return encodeAcknowledgement();
  });
  server.setRequestHandler('tasks/cancel', { params: TASK_ID }, (params, ctx) => {
    requireExtension(ctx);
    jobOrNotFound(params.taskId).cancel('Cancelled by the client (tasks/cancel)');
    return encodeAcknowledgement();
  });
}

// Two answers cannot come from an McpServer tool callback: the JSON-RPC error -32021 for a native
// tool called by a client that did not declare the extension (McpServer answers any error a
// callback throws as an isError result), and the 2025 CreateTaskResult `{ task }` for a
// task-augmented call (the callback never sees `params.task`, and the result validation of
// Server._wrapHandler rejects `{ task }` without `content`). So Headway's tools sit in front of
// McpServer's tools/call handler. Reading that handler is the one use of SDK internals
// (Protocol._requestHandlers); the wrapper is put back directly, because the stored handler is
// already wrapped (validation, requestState verification) and setRequestHandler would wrap it a
// second time: the second pass rejects the already-decoded requestState of an input_required retry.
function toolsCallFront(server, era, tools) {
  const handlers = server._requestHandlers;
  const original = handlers instanceof Map ? handlers.get('tools/call') : undefined;
  if (typeof original !== 'function') return false; // public fallback: isError answers, no 2025 native tasks
  handlers.set('tools/call', async (request, ctx) => {
    const tool = tools[request.params?.name];
    if (tool && era === 'modern' && tool.mode === 'native' && !declaresTasksExtension(ctx.mcpReq.envelope)) {
      const e = missingTasksExtensionError(`Tool ${request.params.name} runs only as a task: declare io.modelcontextprotocol/tasks`);
      throw new ProtocolError(e.code, e.message, e.data);
    }
    if (tool && era === 'legacy') {
      const task = request.params.task;
      if (task) return { task: toTask2025(startJob(request.params.name, request.params.arguments ?? {}, request.params._meta, task.ttl)) };
      if (tool.mode === 'native') throw new ProtocolError(-32601, `Tool ${request.params.name} requires task augmentation (taskSupport: 'required')`);
    }
    return original(request, ctx);
  });
  return true;
}

// --- the per-request factory ---------------------------------------------------------------------
function factory({ era }) {
  const server = new McpServer({ name: 'headway-spike', version: '0.0.0' }, { capabilities: { logging: {} }, requestState: { verify: stateCodec.verify } });
  server.server.onerror = (error) => log('server error:', error.message);
  if (era === 'modern') server.server.registerCapabilities(tasksExtensionCapability());
  else server.server.registerCapabilities({ tasks: { list: {}, cancel: {}, requests: { tools: { call: {} } } } });
  const tools = {};
  const add = (name, mode, description, outputSchema) => {
    const registered = server.registerTool(name, { description, inputSchema: LONG_INPUT, ...(outputSchema && { outputSchema }) },
      (args, ctx) => callLong(mode, name, args, ctx, registered));
    tools[name] = { mode, registered };
    if (era === 'legacy') registered.execution = { taskSupport: mode === 'native' ? 'required' : 'optional' };
  };
  add('long_job', 'auto', 'Deletes subjects, step by step (auto: inline until the budget, then a task).');
  add('long_job_native', 'native', 'Same, always as a task.');
  add('long_job_structured', 'auto', 'Same, with an output schema.', STRUCTURED_OUTPUT);
  if (era === 'modern') extensionHandlers(server.server);
  else legacyTaskHandlers(server.server);
  if (process.env.SPIKE_NO_FRONT !== '1') toolsCallFront(server.server, era, tools);
  return server;
}

const handler = createMcpHandler(factory, { onerror: (error) => log('handler error:', error.message) });
const port = Number(process.env.PORT ?? 0);
const http = createServer(toNodeListener(frontDoor(handler.fetch), { onError: (e) => log('adapter error', e) }));
http.listen(port, '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${http.address().port}/mcp`);
});
process.on('SIGTERM', () => { void handler.close(); http.close(); process.exit(0); });
export { jobs };
