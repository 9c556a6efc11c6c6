import { isTerminal } from '@headway/core';
import type { Reporter, TaskEvent, TaskEventType } from '@headway/core';
import { ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SubscribeRequestSchema, UnsubscribeRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { protocolError } from './v1-errors.js';
import type { Runtime } from './runtime.js';
import { taskUri, toSummary } from './task-summary.js';

const URI = /^task:\/\/([^/?#]+)$/;
// Progress alone re-announces a subscribed task at most this often.
const PROGRESS_UPDATE_MS = 250;

/** What changes a task resource: its status, and its progress (at most every PROGRESS_UPDATE_MS). */
const RESOURCE_UPDATE_EVENTS: readonly TaskEventType[] = Object.freeze(['started', 'status', 'progress', 'completed', 'failed', 'cancelled'] as const);

/** `task://{id}` readable by its owner, and `resources/subscribe` → `notifications/resources/updated`. */
export function installTaskResources(rt: Runtime): void {
  const { server, options } = rt;
  const { manager } = options;
  // Subscriptions of this server (one connection), by uri → session keys.
  const subscribed = new Map<string, Set<string>>();
  const watching = new Set<string>();

  server.registerResource(
    'headway-task',
    new ResourceTemplate('task://{id}', { list: undefined }),
    {
      title: 'Headway task',
      description: 'A background task: status, progress, and its result once finished. Subscribe to be told when it changes.',
      mimeType: 'application/json',
    },
    async (uri, variables, extra) => {
      const id = String(variables['id'] ?? '');
      const record = await manager.get(id, { owner: rt.owners.of(extra).owner });
      if (!record) throw protocolError({ kind: 'task-not-found', taskId: id });
      const body = { ...toSummary(record, rt.view), ...(isTerminal(record.status) && record.result !== undefined && { result: record.result }) };
      return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(body) }] };
    },
  );
  server.server.registerCapabilities({ resources: { subscribe: true } });

  const watcher = (id: string): Reporter => {
    let lastAt = 0;
    return {
      name: 'mcp-resource-subscription',
      eventTypes: RESOURCE_UPDATE_EVENTS,
      onEvent(event: TaskEvent): Promise<void> | void {
        const uri = taskUri(id);
        if (!subscribed.get(uri)?.size) return;
        if (event.type === 'progress' && (event.heartbeat || event.at - lastAt < PROGRESS_UPDATE_MS)) return;
        lastAt = event.at;
        return server.server.sendResourceUpdated({ uri });
      },
      close() {
        watching.delete(id);
      },
    };
  };

  server.server.setRequestHandler(SubscribeRequestSchema, async (request, extra) => {
    const caller = rt.owners.of(extra);
    const id = parse(request.params.uri);
    const record = await manager.get(id, { owner: caller.owner });
    if (!record) throw protocolError({ kind: 'task-not-found', taskId: id });
    const uri = taskUri(id);
    let keys = subscribed.get(uri);
    if (!keys) subscribed.set(uri, (keys = new Set()));
    keys.add(caller.sessionKey);
    if (!isTerminal(record.status) && !watching.has(id)) {
      watching.add(id);
      if (!(await manager.watch(id, [watcher(id)], { owner: caller.owner }))) watching.delete(id);
    }
    return {};
  });

  server.server.setRequestHandler(UnsubscribeRequestSchema, async (request, extra) => {
    const caller = rt.owners.of(extra);
    const uri = taskUri(parse(request.params.uri));
    subscribed.get(uri)?.delete(caller.sessionKey);
    if (subscribed.get(uri)?.size === 0) subscribed.delete(uri);
    return {};
  });
}

function parse(uri: string): string {
  const match = URI.exec(uri);
  if (!match) throw protocolError({ kind: 'invalid-uri', uri });
  return decodeURIComponent(match[1]!);
}
