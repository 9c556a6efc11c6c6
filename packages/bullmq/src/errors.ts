import { HeadwayError } from '@headway/core';

/**
 * Redis could not carry out an operation: it is unreachable, timed out, refused the command or the
 * store is closed. Names Redis, where it is and the operation, so a log line says what failed where.
 * The client reconnects by itself; the next operation after Redis is back succeeds.
 */
export class RedisStoreError extends HeadwayError {
  /** The store operation, e.g. `create`, `update`, `list`. */
  readonly operation: string;
  /** Where Redis is (host:port or the URL without credentials) and the key prefix. */
  readonly endpoint: string;
  constructor(endpoint: string, operation: string, detail: string, options?: { cause?: unknown }) {
    super('store_unavailable', `Redis at ${endpoint}: ${operation} failed: ${detail}`, options);
    this.operation = operation;
    this.endpoint = endpoint;
  }
}
