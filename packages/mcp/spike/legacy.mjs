// Spike: 2025-11-25 native tasks on an SDK v2 server. The v2 SDK carries the 2025 task messages as
// wire schemas only (no TaskStore, no registerToolTask), so the server registers tasks/* itself
// (two-argument form: these are spec methods of the 2025 era); task-augmented tools/call is
// answered in front of McpServer (server.mjs, toolsCallFront).
import { ProtocolError, RELATED_TASK_META_KEY } from '@modelcontextprotocol/server';
import { findJob, jobs } from './jobs.mjs';

const iso = (ms) => new Date(ms).toISOString();

export function toTask2025(job) {
  const state = job.state();
  return {
    taskId: job.id,
    status: job.status,
    ttl: job.ttlMs,
    createdAt: iso(job.createdAt),
    lastUpdatedAt: iso(job.updatedAt),
    pollInterval: state.pollIntervalMs ?? 1000,
    ...(state.statusMessage !== undefined && { statusMessage: state.statusMessage }),
  };
}

function jobOr32602(taskId) {
  const job = findJob(taskId);
  if (!job) throw new ProtocolError(-32602, `Task not found: ${taskId}`);
  return job;
}

export function legacyTaskHandlers(server) {
  server.setRequestHandler('tasks/get', (request) => toTask2025(jobOr32602(request.params.taskId)));
  server.setRequestHandler('tasks/result', async (request, ctx) => {
    const job = jobOr32602(request.params.taskId);
    await Promise.race([job.done, new Promise((_, reject) => ctx.mcpReq.signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true }))]);
    if (job.status === 'failed') throw new ProtocolError(job.error.code, job.error.message, job.error.data);
    const result = job.status === 'completed' ? job.result : { content: [{ type: 'text', text: `Task ${job.id} was cancelled` }], isError: true };
    return { ...result, _meta: { ...result._meta, [RELATED_TASK_META_KEY]: { taskId: job.id } } };
  });
  server.setRequestHandler('tasks/list', () => ({ tasks: [...jobs.values()].map(toTask2025) }));
  server.setRequestHandler('tasks/cancel', (request) => {
    const job = jobOr32602(request.params.taskId);
    if (job.terminal) throw new ProtocolError(-32602, `Cannot cancel task in terminal status: ${job.status}`);
    job.cancel('Cancelled by the client (tasks/cancel)'); // cancelled before the answer, as 2025-11-25 requires
    return toTask2025(job);
  });
}
