import type { TaskManager } from '@headway/core';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';

/**
 * Serves `server` over stdio until the client closes stdin or a signal arrives; then stops the
 * manager (`abort`: running tasks stop, resumable ones go on from their checkpoint at the next start).
 */
export async function serveStdio(server: McpServer, manager: TaskManager): Promise<void> {
  await server.connect(new StdioServerTransport());
  const stop = async () => {
    await manager.shutdown({ mode: 'abort', timeoutMs: 2_000 });
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.stdin.on('close', stop);
}
