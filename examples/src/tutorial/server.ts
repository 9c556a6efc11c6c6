// Tutorial, steps 2 and 3: the same work as an MCP tool with phases, on a server over stdio.
// Tasks are kept in a FileTaskStore, so they survive a restart.
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { TaskManager } from '@headway/core';
import { FileTaskStore } from '@headway/file-store';
import { attachHeadway } from '@headway/mcp';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

// Its data stays in the checkout: examples/.headway-data/tutorial (ignored by git; delete it to start
// afresh). The path is found from this file, so it is the same wherever the server is started from.
const dataDir = fileURLToPath(new URL('../../.headway-data/tutorial', import.meta.url));
const manager = new TaskManager({ store: new FileTaskStore(dataDir) });
const server = new McpServer({ name: 'images', version: '1.0.0' });
const headway = attachHeadway(server, { manager }); // before server.connect()

headway.registerTool(
  'resize_images',
  {
    description: 'Resizes images. A long batch answers with a task id; follow it with task_status and task_wait.',
    inputSchema: { images: z.array(z.string()).min(1).describe('Paths of the images to resize') },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true },
    task: { mode: 'auto', timeoutMs: 30 * 60_000 },
  },
  async ({ images }, ctx) => {
    await ctx.progress.phase('Checking', { to: 10 }, () => sleep(300, undefined, { signal: ctx.signal }));
    await ctx.progress.phase('Resizing', { total: images.length, to: 100 }, async (phase) => {
      for (const [i, image] of images.entries()) {
        await sleep(500, undefined, { signal: ctx.signal });
        phase.updateItem(i, `Resized ${image}`);
      }
    });
    return { resized: images.length };
  },
);

await manager.start(); // after registering the tools: unfinished tasks of theirs are recovered now
await server.connect(new StdioServerTransport());

// The client closed stdin (it went away), or Ctrl-C: stop running tasks and close the store, which
// releases its LOCK. The next start finds a stopped task: resumed from its checkpoint if resumable,
// else failed as interrupted.
async function stop(): Promise<void> {
  await manager.shutdown({ mode: 'abort', timeoutMs: 2_000 });
  process.exit(0);
}
process.stdin.once('end', () => void stop());
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
