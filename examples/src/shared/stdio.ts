import type { TaskManager } from '@headway/core';
import type { McpServer } from '@modelcontextprotocol/server';
import { serveStdio } from '@modelcontextprotocol/server/stdio';

/**
 * Serves an SDK v2 server over stdio (`serveStdio`: one instance per connection, of the era the
 * client opens with). `build(era)` makes an instance; one is built before the manager starts, so
 * every tool's kind is defined and tasks recovered after a restart run at once. Stops the manager
 * when the client closes stdin or a signal arrives (`abort`: running tasks stop, resumable ones go
 * on from their checkpoint at the next start).
 */
export async function serveStdioV2(manager: TaskManager, build: (era: 'legacy' | 'modern') => McpServer): Promise<void> {
  build('modern');
  await manager.start();
  const served = serveStdio(({ era }) => build(era));
  const stop = async () => {
    await manager.shutdown({ mode: 'abort', timeoutMs: 2_000 });
    await served.close().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.stdin.on('close', stop);
}
