import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { createTaskSessionFromClient } from '@modelcontextprotocol/ext-tasks/client';
import type { ApplicationElicitResult, ApplicationInputRequest, RawClientDispatch, ResolvedInputExchangeContext, TaskEnabledSession } from '@modelcontextprotocol/ext-tasks/client';
import { createHttpRawDispatch } from '../../src/http-raw-dispatch.js';

/** One input request the client was asked, and how it was delivered (request-retry, task-update). */
export interface SeenInput {
  kind: ApplicationInputRequest['kind'];
  delivery: ResolvedInputExchangeContext['delivery'];
  message: unknown;
}

/** The official requester of the 2026-07-28 tasks extension: a v2 Client plus an ext-tasks session. */
export interface TasksClient {
  readonly client: Client;
  readonly session: TaskEnabledSession;
  readonly inputs: SeenInput[];
  close(): Promise<void>;
}

export interface TasksClientOptions {
  /** Stable across clients and server restarts, so `resumeTask` accepts a reference. Default: the URL. */
  endpointId?: string;
  /** Answers elicitations; default: accept with `{ confirm: true }`. */
  answer?: (request: ApplicationInputRequest) => ApplicationElicitResult;
}

const CLIENT_INFO = { name: 'headway-test-v2', version: '0.0.0' };
const CLIENT_CAPABILITIES = { elicitation: { form: {} } };

/** Connects on 2026-07-28 (pinned: a legacy answer is a failure) and opens an ext-tasks session. */
export async function connectTasksClient(url: URL, options: TasksClientOptions = {}): Promise<TasksClient> {
  const client = new Client(CLIENT_INFO, { capabilities: CLIENT_CAPABILITIES, versionNegotiation: { mode: { pin: '2026-07-28' } } });
  await client.connect(new StreamableHTTPClientTransport(url));
  const inputs: SeenInput[] = [];
  const answer = options.answer ?? (() => ({ action: 'accept', content: { confirm: true } }));
  const session = createTaskSessionFromClient(client, {
    endpointId: options.endpointId ?? url.href,
    rawDispatch: createHttpRawDispatch({ url }) as RawClientDispatch,
    v2RequestFraming: { protocolVersion: '2026-07-28', clientInfo: CLIENT_INFO, clientCapabilities: CLIENT_CAPABILITIES },
    onInputRequest: async (request, context) => {
      inputs.push({ kind: request.kind, delivery: context.delivery, message: request.params?.['message'] });
      return answer(request) as never;
    },
  });
  return {
    client,
    session,
    inputs,
    async close() {
      await session.close();
      await client.close();
    },
  };
}
