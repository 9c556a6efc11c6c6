// How a fleet reaches Redis: a URL, ioredis options (TLS included, against a private redis-server
// serving TLS only) or the caller's own ioredis client.
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { InvalidArgumentError, TaskManager } from '@headway/core';
import { bullmq, createWorker } from '../src/index.js';
import type { RedisConnection } from '../src/index.js';
import { newClient } from '../src/connection.js';
import { REDIS_URL, removeKeys, sleep, uniquePrefix } from './helpers.js';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A task created on one manager and run by a worker manager, both on `connection`. */
async function roundTrip(connection: RedisConnection, prefix: string): Promise<unknown> {
  const worker = await createWorker({ connection, prefix, tasks: (m) => m.define('echo', (x: string) => `echo ${x}`) });
  const server = new TaskManager({ ...bullmq({ connection, prefix }) });
  try {
    const task = await server.create({ kind: 'echo', input: 'hi' });
    return await task.result();
  } finally {
    await server.shutdown({ timeoutMs: 3_000 });
    await worker.shutdown({ timeoutMs: 3_000 });
  }
}

describe('connections', () => {
  it('reads credentials, database and TLS from a URL, and refuses what is not a Redis URL', () => {
    const { client, endpoint } = newClient('rediss://app:s3cret@cache.internal:6380/2', {});
    client.disconnect();
    expect(client.options).toMatchObject({ host: 'cache.internal', port: 6380, db: 2, username: 'app', password: 's3cret' });
    expect(client.options.tls).toBeTruthy();
    // Error messages name where Redis is, never the credentials.
    expect(endpoint).toBe('rediss://cache.internal:6380/2');
    expect(() => bullmq({ connection: 'http://127.0.0.1:6379' })).toThrow(InvalidArgumentError);
    expect(() => bullmq({ connection: 'not a url' })).toThrow(/redis:\/\/ or rediss:\/\//);
    expect(() => bullmq({ prefix: '{bad}' })).toThrow(/prefix/);
  });

  it("runs on the caller's own ioredis client and leaves it open", async () => {
    const prefix = uniquePrefix();
    const client = new Redis(REDIS_URL);
    try {
      expect(await roundTrip(client, prefix)).toBe('echo hi');
      expect(client.status).toBe('ready');
      expect(await client.ping()).toBe('PONG');
    } finally {
      client.disconnect();
      await removeKeys(prefix);
    }
  });

  describe('over TLS', () => {
    let dir: string;
    let port: number;
    let redis: ChildProcess;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'hw-tls-'));
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
      port = await freePort();
      redis = spawn('redis-server', ['--port', '0', '--tls-port', String(port), '--bind', '127.0.0.1', '--tls-cert-file', join(dir, 'cert.pem'), '--tls-key-file', join(dir, 'key.pem'), '--tls-ca-cert-file', join(dir, 'cert.pem'), '--tls-auth-clients', 'no', '--save', '', '--dir', dir], { stdio: 'ignore' });
      await sleep(300);
    });
    afterAll(async () => {
      redis?.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    });

    it('runs a task through a Redis that speaks only TLS, given ioredis options with the CA', async () => {
      const ca = await readFile(join(dir, 'cert.pem'));
      expect(await roundTrip({ host: '127.0.0.1', port, tls: { ca } }, 'tls')).toBe('echo hi');
    });

    it('fails with an error naming Redis when the certificate is not trusted', async () => {
      const server = new TaskManager({ ...bullmq({ connection: { host: '127.0.0.1', port, tls: {}, connectTimeout: 2_000 }, prefix: 'tls' }) });
      await expect(server.start()).rejects.toThrow(new RegExp(`^Redis at rediss://127\\.0\\.0\\.1:${port} \\(prefix \\{tls\\}\\): open failed`));
      await server.shutdown({ mode: 'abort', timeoutMs: 1_000 }).catch(() => undefined);
    });
  });
});
