import { once } from 'node:events';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MetricsHandler } from '../src/index.js';
import { parseExposition } from './prom-text.js';
import type { Exposition } from './prom-text.js';

export interface MetricsServer {
  url: string;
  scrape(): Promise<Exposition>;
  close(): Promise<void>;
}

/** Serves `handler` on 127.0.0.1 at a free port. */
export async function serveMetrics(handler: MetricsHandler, path = '/metrics'): Promise<MetricsServer> {
  const server: Server = createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}${path}`;
  return {
    url,
    async scrape() {
      const response = await fetch(url);
      if (response.status !== 200) throw new Error(`scrape answered ${response.status}`);
      const type = response.headers.get('content-type') ?? '';
      if (!type.startsWith('text/plain')) throw new Error(`unexpected content type ${type}`);
      return parseExposition(await response.text());
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
