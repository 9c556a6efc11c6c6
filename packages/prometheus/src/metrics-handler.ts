import type { IncomingMessage, ServerResponse } from 'node:http';
import { InvalidArgumentError } from '@headway/core';
import type { Registry } from 'prom-client';

export interface MetricsHandlerOptions {
  /** Serve only this path (query ignored) and answer 404 elsewhere. Default: any path. */
  path?: string;
}

export type MetricsHandler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * A request listener for Node's `http` server that answers GET/HEAD with the registry's metrics
 * in Prometheus text format: `http.createServer(metricsHandler(registry, { path: '/metrics' }))`.
 */
export function metricsHandler(registry: Registry, options: MetricsHandlerOptions = {}): MetricsHandler {
  if (typeof (registry as { metrics?: unknown } | undefined)?.metrics !== 'function') {
    throw new InvalidArgumentError('registry', registry, 'a prom-client Registry');
  }
  const path = options.path;
  if (path !== undefined && (typeof path !== 'string' || !path.startsWith('/'))) {
    throw new InvalidArgumentError('path', path, "a path starting with '/'");
  }
  return (req, res) => {
    if (path !== undefined && (req.url ?? '/').split('?')[0] !== path) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('Method not allowed\n');
      return;
    }
    registry.metrics().then(
      (body) => {
        res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' });
        res.end(req.method === 'HEAD' ? undefined : body);
      },
      (error: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`Collecting metrics failed: ${error instanceof Error ? error.message : String(error)}\n`);
      },
    );
  };
}
