// The official requester of the 2026-07-28 tasks extension: a v2 Client (@modelcontextprotocol/client)
// plus an @modelcontextprotocol/ext-tasks session, over Streamable HTTP with Headway's raw dispatch.
import { createHttpRawDispatch } from '@headway/mcp/v2';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { createTaskSessionFromClient } from '@modelcontextprotocol/ext-tasks/client';
import type { RawClientDispatch, TaskEnabledSession } from '@modelcontextprotocol/ext-tasks/client';

export interface TasksClient {
  readonly client: Client;
  readonly session: TaskEnabledSession;
}

const CLIENT_INFO = { name: 'headway-example-test', version: '0.0.0' };

/**
 * Connects on 2026-07-28 (pinned) and opens an ext-tasks session. `endpointId` stays the same across
 * clients and server restarts, so `resumeTask` accepts a reference. `headers` go on every request.
 */
export async function connectTasksClient(url: string, options: { endpointId: string; headers?: Record<string, string> }): Promise<TasksClient> {
  const headers = options.headers ?? {};
  const client = new Client(CLIENT_INFO, { capabilities: {}, versionNegotiation: { mode: { pin: '2026-07-28' } } });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  const session = createTaskSessionFromClient(client, {
    endpointId: options.endpointId,
    rawDispatch: createHttpRawDispatch({ url, headers }) as RawClientDispatch,
    v2RequestFraming: { protocolVersion: '2026-07-28', clientInfo: CLIENT_INFO, clientCapabilities: {} },
  });
  return { client, session };
}
