import { Redis } from 'ioredis';
import type { RedisOptions } from 'ioredis';
import { InvalidArgumentError } from '@headway/core';

/**
 * Where Redis is: a `redis://` or `rediss://` (TLS) URL, ioredis options (`host`, `port`, `tls`,
 * `username`, `password`, `db`, …), or a client you made (then you own it and close it yourself;
 * the connections this package needs besides it are made with its options).
 */
export type RedisConnection = string | RedisOptions | Redis;

/**
 * Defaults for a client this package makes: commands of one event-loop turn are written together
 * (auto-pipelining); a command issued while Redis is away waits for at
 * most two reconnection attempts (about half a second when the port refuses), then fails with an
 * error naming Redis; reconnection goes on in the background, so the next command after Redis is
 * back succeeds. Override any of them in the options.
 */
export const CLIENT_DEFAULTS: RedisOptions = Object.freeze({
  maxRetriesPerRequest: 2,
  // Commands issued in one turn of the event loop go out in one write.
  enableAutoPipelining: true,
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

const DEFAULT_URL = 'redis://127.0.0.1:6379';

/** The client a store uses: the caller's own, or one made with `CLIENT_DEFAULTS`. */
export function openClient(connection: RedisConnection | undefined): OpenedClient {
  if (connection instanceof Redis) return { client: connection, owned: false, endpoint: describeEndpoint(connection.options) };
  return newClient(connection, {});
}

/**
 * A new client of the same Redis, whatever form `connection` took (a client of the caller's is
 * duplicated), with `CLIENT_DEFAULTS` and then `overrides` applied. The caller closes it.
 */
export function newClient(connection: RedisConnection | undefined, overrides: RedisOptions): OpenedClient {
  if (connection instanceof Redis) {
    const client = connection.duplicate({ ...CLIENT_DEFAULTS, ...overrides });
    return { client, owned: true, endpoint: describeEndpoint(client.options) };
  }
  if (connection === undefined || typeof connection === 'string') {
    const url = checkUrl(connection ?? DEFAULT_URL);
    const client = new Redis(url.href, { ...CLIENT_DEFAULTS, ...overrides });
    return { client, owned: true, endpoint: `${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}` };
  }
  if (typeof connection !== 'object' || connection === null) {
    throw new InvalidArgumentError('connection', connection, 'a redis:// or rediss:// URL, ioredis options or an ioredis client');
  }
  const client = new Redis({ ...CLIENT_DEFAULTS, ...connection, ...overrides });
  return { client, owned: true, endpoint: describeEndpoint(client.options) };
}

/** Connects a client made with `lazyConnect` (once; later calls wait for the same connection). */
export async function connectClient(client: Redis): Promise<void> {
  if (client.status === 'wait') await client.connect();
  else if (client.status !== 'ready') await new Promise<void>((resolve, reject) => {
    client.once('ready', resolve);
    client.once('end', () => reject(new Error('Connection is closed.')));
  });
}

/** Closes a client this package made: QUIT, or a hard disconnect when Redis does not answer. */
export async function closeClient(client: Redis): Promise<void> {
  if (client.status === 'end' || client.status === 'wait') {
    client.disconnect();
    return;
  }
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
}

function checkUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InvalidArgumentError('connection', text, 'a redis:// or rediss:// URL, ioredis options or an ioredis client');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new InvalidArgumentError('connection', text, 'a redis:// or rediss:// URL');
  return url;
}

function describeEndpoint(options: RedisOptions): string {
  if (options.path) return `unix:${options.path}`;
  const scheme = options.tls ? 'rediss' : 'redis';
  return `${scheme}://${options.host ?? '127.0.0.1'}:${options.port ?? 6379}${options.db ? `/${options.db}` : ''}`;
}
