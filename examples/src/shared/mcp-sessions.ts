import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';

export interface McpSessionsOptions {
  /**
   * A session with no request open for this long is closed (its `McpServer` too); a client that
   * comes back gets 404 and starts a new session, as the protocol says. Default 30 minutes.
   */
  idleMs?: number;
}

/** The `/mcp` handler, and a way to close every session (at shutdown). */
export interface McpSessions {
  (req: IncomingMessage, res: ServerResponse): void;
  /** Sessions open now. */
  readonly size: number;
  /** Closes every session and stops the idle sweep. */
  close(): Promise<void>;
}

interface Session {
  transport: StreamableHTTPServerTransport;
  server: McpServer;
  /** Requests of this session still open (an inline call, the GET stream). */
  open: number;
  lastSeen: number;
}

/**
 * Streamable HTTP with sessions: a new `McpServer` (from `newServer`) per MCP session, found again
 * by its `mcp-session-id`, closed once idle. Tasks live in the shared `TaskManager`, not in a
 * session, so closing one loses nothing but the connection.
 */
export function mcpSessions(newServer: () => McpServer, options: McpSessionsOptions = {}): McpSessions {
  const idleMs = options.idleMs ?? 30 * 60_000;
  const sessions = new Map<string, Session>();
  const expire = (id: string, session: Session) => {
    sessions.delete(id);
    void session.transport.close().catch(() => undefined);
    void session.server.close().catch(() => undefined);
  };
  const sweep = setInterval(() => {
    const now = Date.now();
    for (const [id, session] of sessions) if (session.open === 0 && now - session.lastSeen >= idleMs) expire(id, session);
  }, Math.max(100, Math.min(idleMs / 4, 60_000)));
  sweep.unref();

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const sessionId = req.headers['mcp-session-id'];
      let session = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
      if (!session) {
        if (sessionId !== undefined) {
          res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null }));
          return;
        }
        const server = newServer();
        const created: Session = {
          server,
          open: 0,
          lastSeen: Date.now(),
          transport: new StreamableHTTPServerTransport({
            sessionIdGenerator: () => randomUUID(),
            onsessioninitialized: (id) => void sessions.set(id, created),
          }),
        };
        created.transport.onclose = () => {
          if (created.transport.sessionId) sessions.delete(created.transport.sessionId);
        };
        await server.connect(created.transport);
        session = created;
      }
      const active = session;
      active.open++;
      active.lastSeen = Date.now();
      res.once('close', () => {
        active.open--;
        active.lastSeen = Date.now();
      });
      await active.transport.handleRequest(req, res);
    })().catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`Internal error: ${(error as Error).message}\n`);
    });
  };
  return Object.defineProperties(handler, {
    size: { get: () => sessions.size },
    close: {
      value: async () => {
        clearInterval(sweep);
        for (const [id, session] of sessions) expire(id, session);
      },
    },
  }) as McpSessions;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => unknown;

/** The example servers' routes: `/mcp`, `/metrics`, the dashboard at `/tasks/`, 404 for the rest. */
export function registryRoutes(routes: { mcp: Handler; metrics: Handler; dashboard: Handler }): Handler {
  return (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/metrics') return void routes.metrics(req, res);
    if (path === '/tasks' || path.startsWith('/tasks/')) return void routes.dashboard(req, res);
    if (path === '/mcp') return void routes.mcp(req, res);
    res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found: try /mcp, /tasks/ or /metrics\n');
  };
}
