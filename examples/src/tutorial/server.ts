// Tutorial, steps 2 and 3: the same work as an MCP tool with phases, on a server over stdio.
// Tasks are kept in a FileTaskStore, so they survive a restart.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { TaskManager } from '@headway/core';
import { FileTaskStore } from '@headway/file-store';
import { attachHeadway } from '@headway/mcp';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const manager = new TaskManager({ store: new FileTaskStore(join(homedir(), '.headway-tutorial')) });
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
