import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { TaskManager } from '@headway/core';
import { Client, LOG_LEVEL_META_KEY, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { fromJsonSchema } from '@modelcontextprotocol/server';
import { createHttpHandler } from '../src/v2.js';
import type { HttpHandler } from '../src/v2.js';

// An inline call answers after the task's last progress and log lines reached the client: the
// hub delivers them asynchronously, so the call waits for its sink before it closes it.
let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

async function serve(): Promise<URL> {
  const manager = new TaskManager();
  const handler: HttpHandler = createHttpHandler({
    manager,
    serverInfo: { name: 'drain', version: '0' },
    log: () => undefined,
    tools: (headway) => {
      headway.registerTool('last_words', { inputSchema: fromJsonSchema({ type: 'object', properties: {} }), task: { mode: 'inline' } }, (_args, ctx) => {
        ctx.progress.update(50, 'half');
        ctx.log.info('last');
        return 'ok';
      });
    },
  });
  const http: Server = createServer(handler.listener);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  cleanup = async () => {
    http.closeAllConnections();
    await new Promise((resolve) => http.close(resolve));
    await handler.close();
    await manager.shutdown({ mode: 'abort', timeoutMs: 1000 });
  };
  return new URL(`http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`);
}

describe('a v2 inline call', () => {
  it('delivers its last log line and progress before the result (2026-07-28)', async () => {
    const url = await serve();
    for (let round = 0; round < 5; round++) {
      const client = new Client({ name: 'drain', version: '0' }, { capabilities: {}, versionNegotiation: { mode: { pin: '2026-07-28' } } });
      await client.connect(new StreamableHTTPClientTransport(url));
      const seen: string[] = [];
      client.setNotificationHandler('notifications/message', (notification) => {
        const data = notification.params.data as { message?: string };
        seen.push(`log:${data.message}`);
      });
      // 2026-07-28: a request gets log lines when it asks for a level.
      const result = await client.callTool({ name: 'last_words', arguments: {}, _meta: { [LOG_LEVEL_META_KEY]: 'debug' } }, { onprogress: (p) => void seen.push(`progress:${p.progress}`) });
      seen.push('result');
      expect(result.content).toEqual([{ type: 'text', text: 'ok' }]);
      expect(seen).toContain('log:last');
      expect(seen.indexOf('log:last')).toBeLessThan(seen.indexOf('result'));
      expect(seen).toContain('progress:50');
      await client.close();
    }
  });
});
