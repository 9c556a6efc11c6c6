import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';
import { TaskManager } from '@headway/core';
import { createHttpHandler } from '../../src/v2.js';
import type { HttpHandlerOptions } from '../../src/v2.js';

export interface InProcessV2 {
  readonly url: URL;
  readonly manager: TaskManager;
}

/**
 * createHttpHandler in this process, on node:http (127.0.0.1, a random port), for each test of a
 * file: `const serve = v2InProcessPerTest(); … const { url } = await serve(options)`. Its manager
 * (made here unless given) is shut down after the test.
 */
export function v2InProcessPerTest(): (options: Omit<HttpHandlerOptions, 'manager' | 'serverInfo'> & { manager?: TaskManager }) => Promise<InProcessV2> {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });
  return async ({ manager = new TaskManager({ resources: { enabled: false } }), ...options }) => {
    const handler = createHttpHandler({ manager, serverInfo: { name: 'headway-in-process', version: '0.0.0' }, ...options });
    const server: Server = createServer(handler.listener);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await handler.close();
      await manager.shutdown({ mode: 'abort', timeoutMs: 1_000 });
    });
    return { url: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`), manager };
  };
}
