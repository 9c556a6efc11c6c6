import { randomUUID } from 'node:crypto';
import { afterEach, beforeAll } from 'vitest';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:http';
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TaskManager } from '@headway/core';
import type { TaskManagerOptions } from '@headway/core';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { McpServerOptions } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import {
  LoggingMessageNotificationSchema,
  ResourceUpdatedNotificationSchema,
  TaskStatusNotificationSchema,
  isInitializeRequest,
} from '@modelcontextprotocol/sdk/types.js';
import type { LoggingMessageNotification, Task } from '@modelcontextprotocol/sdk/types.js';
import { attachHeadway } from '../../src/index.js';
import type { HeadwayMcp, HeadwayMcpOptions } from '../../src/index.js';
import { newProbe, registerDemoTools } from './tools.js';
import type { Probe } from './tools.js';

export const TEST_MANAGER_OPTIONS: TaskManagerOptions = {
  progress: { heartbeatMs: 300, minIntervalMs: 50 },
  resources: { enabled: false },
};

export function newManager(options: TaskManagerOptions = {}): TaskManager {
  return new TaskManager({ ...TEST_MANAGER_OPTIONS, ...options });
}

export interface ServerParts {
  server: McpServer;
  headway: HeadwayMcp;
}

/** The SDK's classes a server is built from: its ESM build (what `import` gives), or its CommonJS build (what `require` gives). */
export interface SdkBuild {
  McpServer: typeof McpServer;
  StreamableHTTPServerTransport: typeof StreamableHTTPServerTransport;
}

const ESM_BUILD: SdkBuild = { McpServer, StreamableHTTPServerTransport };

/** The SDK's CommonJS build, as a CommonJS application gets it: other classes than the ESM ones. */
export function cjsBuild(): SdkBuild {
  const require = createRequire(import.meta.url);
  const build: SdkBuild = {
    McpServer: (require('@modelcontextprotocol/sdk/server/mcp.js') as { McpServer: typeof McpServer }).McpServer,
    StreamableHTTPServerTransport: (require('@modelcontextprotocol/sdk/server/streamableHttp.js') as { StreamableHTTPServerTransport: typeof StreamableHTTPServerTransport })
      .StreamableHTTPServerTransport,
  };
  if (build.McpServer === McpServer) throw new Error('expected the CommonJS McpServer to be another class than the ESM one');
  return build;
}

export function buildServer(
  manager: TaskManager,
  probe: Probe,
  options: Partial<HeadwayMcpOptions> = {},
  budgetMs?: number,
  sdk: SdkBuild = ESM_BUILD,
  serverOptions?: McpServerOptions,
): ServerParts {
  const server = new sdk.McpServer({ name: 'headway-test', version: '0.0.0' }, serverOptions);
  const headway = attachHeadway(server, { manager, ...options });
  registerDemoTools(headway, probe, budgetMs);
  return { server, headway };
}

/** What a client was told outside of responses. */
export class Inbox {
  logs: LoggingMessageNotification['params'][] = [];
  statuses: Task[] = [];
  updated: string[] = [];

  constructor(client: Client) {
    client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void this.logs.push(n.params));
    client.setNotificationHandler(TaskStatusNotificationSchema, (n) => void this.statuses.push(n.params));
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => void this.updated.push(n.params.uri));
  }
}

export function newClient(name = 'test-client'): Client {
  return new Client({ name, version: '0.0.0' }, { capabilities: {} });
}

export interface InMemorySetup extends ServerParts {
  client: Client;
  inbox: Inbox;
  probe: Probe;
  manager: TaskManager;
  close(): Promise<void>;
}

/** A client and a server over InMemoryTransport; pass `manager` to share one between setups. */
export async function inMemory(
  options: { manager?: TaskManager; headway?: Partial<HeadwayMcpOptions>; budgetMs?: number; probe?: Probe } = {},
): Promise<InMemorySetup> {
  const manager = options.manager ?? newManager();
  const probe = options.probe ?? newProbe();
  const parts = buildServer(manager, probe, options.headway, options.budgetMs);
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  const client = newClient();
  const inbox = new Inbox(client);
  await parts.server.connect(serverTransport);
  await client.connect(clientTransport);
  return {
    ...parts,
    client,
    inbox,
    probe,
    manager,
    async close() {
      await client.close();
      await parts.server.close();
      if (!options.manager) await manager.shutdown({ mode: 'abort', timeoutMs: 1000 });
    },
  };
}

/** Bearer tokens the HTTP test server accepts, and the principal each stands for. */
export const TOKENS: Record<string, string> = { 'token-alice': 'alice', 'token-bob': 'bob' };
/** Tokens of one shared OAuth client that carry no subject (two different users of one app). */
export const SUBJECTLESS_TOKENS = ['token-app-user-1', 'token-app-user-2'];

export interface HttpSetup {
  url: URL;
  manager: TaskManager;
  probe: Probe;
  close(): Promise<void>;
}

/** A real Streamable HTTP server on 127.0.0.1 (random port): one McpServer per session, one manager. */
export async function httpServer(
  options: { manager?: TaskManager; headway?: Partial<HeadwayMcpOptions>; budgetMs?: number; auth?: boolean; sdk?: SdkBuild; server?: McpServerOptions } = {},
): Promise<HttpSetup> {
  const sdk = options.sdk ?? ESM_BUILD;
  const manager = options.manager ?? newManager();
  const probe = newProbe();
  const transports = new Map<string, StreamableHTTPServerTransport>();
  const servers: McpServer[] = [];
  const http: HttpServer = createServer((req, res) => {
    void (async () => {
      try {
        const body = req.method === 'POST' ? await readJson(req) : undefined;
        if (options.auth) {
          const auth = authOf(req);
          if (!auth) {
            res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'invalid_token' }));
            return;
          }
          (req as IncomingMessage & { auth?: AuthInfo }).auth = auth;
        }
        const sid = req.headers['mcp-session-id'];
        let transport = typeof sid === 'string' ? transports.get(sid) : undefined;
        if (!transport) {
          if (sid !== undefined || !isInitializeRequest(body)) {
            res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null }));
            return;
          }
          const created: StreamableHTTPServerTransport = new sdk.StreamableHTTPServerTransport({
            sessionIdGenerator: () => randomUUID(),
            onsessioninitialized: (id) => void transports.set(id, created),
          });
          transport = created;
          const { server } = buildServer(manager, probe, options.headway, options.budgetMs, sdk, options.server);
          servers.push(server);
          await server.connect(created);
        }
        await transport.handleRequest(req, res, body);
      } catch (error) {
        if (!res.headersSent) res.writeHead(500).end(String(error));
      }
    })();
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: new URL(`http://127.0.0.1:${port}/mcp`),
    manager,
    probe,
    async close() {
      await Promise.all(servers.map((s) => s.close().catch(() => undefined)));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      if (!options.manager) await manager.shutdown({ mode: 'abort', timeoutMs: 1000 });
    },
  };
}

export async function httpClient(url: URL, token?: string): Promise<{ client: Client; inbox: Inbox }> {
  const client = newClient();
  const inbox = new Inbox(client);
  const transport = new StreamableHTTPClientTransport(url, token ? { requestInit: { headers: { authorization: `Bearer ${token}` } } } : {});
  await client.connect(transport);
  return { client, inbox };
}

/**
 * An HTTP server and its clients for each test of a file, closed after each test:
 * `const http = httpPerTest(); … const client = await http.connect(options)`.
 */
export function httpPerTest(): { connect(options?: Parameters<typeof httpServer>[0]): Promise<Client>; readonly setup: HttpSetup } {
  let setup: HttpSetup | undefined;
  const clients: Client[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close().catch(() => undefined)));
    await setup?.close();
    setup = undefined;
  });
  return {
    async connect(options = {}) {
      setup ??= await httpServer(options);
      const { client } = await httpClient(setup.url);
      clients.push(client);
      return client;
    },
    get setup() {
      if (!setup) throw new Error('connect() first');
      return setup;
    },
  };
}

export interface StdioServer {
  client: Client;
  inbox: Inbox;
  /** What the server wrote to stderr so far. */
  stderr(): string;
}

/**
 * The stdio fixture server (test/fixtures/stdio-server.mjs, which runs the built dist/) as a child
 * process per test, with the SDK's Client over its stdio: `const stdio = stdioPerTest(); … await stdio.spawn()`.
 */
export function stdioPerTest(): { spawn(args?: readonly string[]): Promise<StdioServer> } {
  const fixture = fileURLToPath(new URL('../fixtures/stdio-server.mjs', import.meta.url));
  let client: Client | undefined;
  beforeAll(() => {
    if (!existsSync(fileURLToPath(new URL('../../dist/index.js', import.meta.url)))) throw new Error('Build @headway/mcp first (the stdio fixture runs dist/).');
  });
  afterEach(async () => {
    await client?.close();
    client = undefined;
  });
  return {
    async spawn(args: readonly string[] = []) {
      client = new Client({ name: 'stdio-test', version: '0.0.0' });
      const inbox = new Inbox(client);
      const transport = new StdioClientTransport({ command: process.execPath, args: [fixture, ...args], stderr: 'pipe' });
      let stderr = '';
      transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      await client.connect(transport);
      return { client, inbox, stderr: () => stderr };
    },
  };
}

function authOf(req: IncomingMessage): AuthInfo | undefined {
  const match = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
  if (match && SUBJECTLESS_TOKENS.includes(match[1]!)) return { token: match[1]!, clientId: 'shared-app', scopes: [] };
  const principal = match ? TOKENS[match[1]!] : undefined;
  if (!match || !principal) return undefined;
  return { token: match[1]!, clientId: `client-of-${principal}`, scopes: [], extra: { sub: principal } };
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text.length ? JSON.parse(text) : undefined;
}

/** Polls `check` until it returns true (generous: the machine may be slow). */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
