// Spike: `notifications/tasks` through `subscriptions/listen`. The SDK's listen router knows only
// the four change filters (tools/prompts/resources list_changed, resource updates) and drops
// `taskIds`, so a listen that asks only for task ids is answered here, in front of the handler;
// every other request goes to the handler with the body already parsed (`parsedBody`).
import { SUBSCRIPTION_ID_META_KEY } from '@modelcontextprotocol/server';
import { declaresTasksExtension, missingTasksExtensionError } from '../dist/ext-tasks-negotiation.js';
import { encodeDetailedTask } from '../dist/ext-tasks-wire.js';
import { changes, findJob } from './jobs.mjs';

export function frontDoor(fetchHandler) {
  return async (request) => {
    if (request.method !== 'POST') return fetchHandler(request);
    const text = await request.text();
    let body;
    try {
      body = JSON.parse(text);
    } catch {
      return fetchHandler(new Request(request.url, { method: 'POST', headers: request.headers, body: text, signal: request.signal }));
    }
    if (isTaskOnlyListen(body)) return serveTaskListen(body, request.signal);
    return fetchHandler(request, { parsedBody: body });
  };
}

function isTaskOnlyListen(body) {
  const filter = body?.method === 'subscriptions/listen' ? body.params?.notifications : undefined;
  return Array.isArray(filter?.taskIds) && Object.keys(filter).length === 1;
}

function serveTaskListen(body, signal) {
  const id = body.id;
  if (!declaresTasksExtension(body.params?._meta)) {
    return Response.json({ jsonrpc: '2.0', id, error: missingTasksExtensionError() }, { status: 400 });
  }
  const followed = new Set(body.params.notifications.taskIds.filter((taskId) => findJob(taskId)));
  const encoder = new TextEncoder();
  let onChange;
  const stream = new ReadableStream({
    start(controller) {
      const write = (message) => controller.enqueue(encoder.encode(`event: message\ndata: ${JSON.stringify({ jsonrpc: '2.0', ...message })}\n\n`));
      const meta = { [SUBSCRIPTION_ID_META_KEY]: id };
      const finishIfDone = () => {
        if ([...followed].some((taskId) => !findJob(taskId)?.terminal)) return false;
        write({ id, result: { resultType: 'complete', _meta: meta } });
        changes.off('change', onChange);
        controller.close();
        return true;
      };
      write({ method: 'notifications/subscriptions/acknowledged', params: { notifications: { taskIds: [...followed] }, _meta: meta } });
      onChange = (job) => {
        if (!followed.has(job.id)) return;
        write({ method: 'notifications/tasks', params: { ...encodeDetailedTask(job.state()), _meta: meta } });
        finishIfDone();
      };
      if (finishIfDone()) return;
      changes.on('change', onChange);
      signal.addEventListener('abort', () => changes.off('change', onChange), { once: true });
    },
    cancel() {
      changes.off('change', onChange);
    },
  });
  return new Response(stream, { status: 200, headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' } });
}
