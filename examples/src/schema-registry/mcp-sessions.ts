import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';

/**
 * Streamable HTTP with sessions: a new `McpServer` (from `newServer`) per MCP session, found again
 * by its `mcp-session-id`. Returns the handler of the `/mcp` requests.
 */
export function mcpSessions(newServer: () => McpServer): (req: IncomingMessage, res: ServerResponse) => void {
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  return (req, res) => {
    void (async () => {
      const sessionId = req.headers['mcp-session-id'];
      let transport = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
      if (!transport) {
        if (sessionId !== undefined) {
          res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null }));
          return;
        }
        const created = new StreamableHTTPServerTransport({
          sessionIdGenerator: () => randomUUID(),
          onsessioninitialized: (id) => void sessions.set(id, created),
        });
        created.onclose = () => {
          if (created.sessionId) sessions.delete(created.sessionId);
        };
        await newServer().connect(created);
        transport = created;
      }
      await transport.handleRequest(req, res);
    })().catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`Internal error: ${(error as Error).message}\n`);
    });
  };
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
