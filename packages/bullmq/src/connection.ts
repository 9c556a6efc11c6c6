import { Redis } from 'ioredis';
import type { RedisOptions } from 'ioredis';
import { InvalidArgumentError } from '@headway/core';

/**
 * Where Redis is: a `redis://` or `rediss://` (TLS) URL, ioredis options (`host`, `port`, `tls`,
 * `username`, `password`, `db`, …), or a client you made (then you own it and close it yourself).
 */
export type RedisConnection = string | RedisOptions | Redis;

/**
 * Defaults for a client this package makes: a command issued while Redis is away waits for at
 * most two reconnection attempts (about half a second when the port refuses), then fails with an
 * error naming Redis; reconnection goes on in the background, so the next command after Redis is
 * back succeeds. Override any of them in the options.
 */
export const CLIENT_DEFAULTS: RedisOptions = Object.freeze({
  maxRetriesPerRequest: 2,
  connectTimeout: 5_000,
  retryStrategy: (times: number) => Math.min(times * 200, 2_000),
  lazyConnect: true,
});

export interface OpenedClient {
  client: Redis;
  /** True when this package made the client and must close it. */
  owned: boolean;
  /** host:port (or the URL without credentials) for error messages. */
  endpoint: string;
}

export function openClient(connection: RedisConnection | undefined): OpenedClient {
  if (connection instanceof Redis) return { client: connection, owned: false, endpoint: describe(connection.options) };
  if (connection === undefined || typeof connection === 'string') {
    const url = connection ?? 'redis://127.0.0.1:6379';
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new InvalidArgumentError('connection', url, 'a redis:// or rediss:// URL, ioredis options or an ioredis client');
    }
    if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
      throw new InvalidArgumentError('connection', url, 'a redis:// or rediss:// URL');
    }
    const client = new Redis(url, { ...CLIENT_DEFAULTS });
    return { client, owned: true, endpoint: `${parsed.protocol}//${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}` };
  }
  if (typeof connection !== 'object' || connection === null) {
    throw new InvalidArgumentError('connection', connection, 'a redis:// or rediss:// URL, ioredis options or an ioredis client');
  }
  const client = new Redis({ ...CLIENT_DEFAULTS, ...connection });
  return { client, owned: true, endpoint: describe(client.options) };
}

function describe(options: RedisOptions): string {
  if (options.path) return `unix:${options.path}`;
  const scheme = options.tls ? 'rediss' : 'redis';
  return `${scheme}://${options.host ?? '127.0.0.1'}:${options.port ?? 6379}${options.db ? `/${options.db}` : ''}`;
}
