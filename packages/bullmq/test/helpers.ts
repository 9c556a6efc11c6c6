import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { TaskManager } from '@headway/core';
import type { Reporter } from '@headway/core';
import type { TaskRecord } from '@headway/core/spi';
import { bullmq, createWorker } from '../src/index.js';
import type { BullMqOptions, WorkerModule, WorkerOptions } from '../src/index.js';

/** The shared test Redis; every test uses its own prefix and removes its keys. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function uniquePrefix(): string {
  return `hwtest-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** Deletes every key under `{prefix}:`; returns how many there were. */
export async function removeKeys(prefix: string, url = REDIS_URL): Promise<number> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await client.connect();
    const keys = await scanKeys(client, prefix);
    if (keys.length > 0) await client.del(...keys);
    return keys.length;
  } finally {
    client.disconnect();
  }
}

export async function scanKeys(client: Redis, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await client.scan(cursor, 'MATCH', `{${prefix}}:*`, 'COUNT', 1000);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  return keys.sort();
}

export function taskRecord(id: string, seq: number, extra: Partial<TaskRecord> = {}): TaskRecord {
  return {
    id,
    owner: 'alice',
    kind: 'test',
    seq,
    status: 'queued',
    metadata: {},
    progress: 0,
    attempt: 1,
    maxAttempts: 1,
    createdAt: 1_700_000_000_000 + seq,
    ttlMs: 60_000,
    dependsOn: [],
    resumable: false,
    ...extra,
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * A redis-server of this test's own on a free port, with an append-only file synced on every
 * write (so what it acknowledged survives a SIGKILL). Stop and start it to simulate an outage.
 */
export class PrivateRedis {
  private proc: ChildProcess | undefined;
  private constructor(
    readonly port: number,
    readonly dir: string,
  ) {}

  static async start(): Promise<PrivateRedis> {
    const dir = await mkdtemp(join(tmpdir(), 'hw-redis-'));
    const redis = new PrivateRedis(await freePort(), dir);
    await redis.restart();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async restart(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'always'];
    const proc = spawn('redis-server', args, { stdio: 'ignore' });
    this.proc = proc;
    const client = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined);
    for (let i = 0; i < 100; i++) {
      try {
        await client.connect();
        await client.ping();
        client.disconnect();
        return;
      } catch {
        await sleep(50);
      }
    }
    client.disconnect();
    throw new Error(`private redis-server on port ${this.port} did not start`);
  }

  /** SIGKILL: no shutdown, no final save; only what the AOF synced survives. */
  async kill(): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    await this.kill();
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** Server and worker managers of one fleet (one prefix) in this process; `close` shuts them down and removes the keys. */
export function testFleet(prefix = uniquePrefix()) {
  const made: TaskManager[] = [];
  return {
    prefix,
    server(options: Omit<BullMqOptions, 'connection' | 'prefix'> & { reporters?: Reporter[] } = {}): TaskManager {
      const { reporters, ...rest } = options;
      const manager = new TaskManager({ ...bullmq({ connection: REDIS_URL, prefix, ...rest }), ...(reporters && { reporters }), progress: { minIntervalMs: 0 } });
      made.push(manager);
      return manager;
    },
    async worker(tasks: WorkerModule, options: Omit<WorkerOptions, 'connection' | 'prefix' | 'tasks'> = {}): Promise<TaskManager> {
      const manager = await createWorker({ connection: REDIS_URL, prefix, stalledJobBoundMs: 3_000, tasks, ...options, manager: { progress: { minIntervalMs: 0 }, ...options.manager } });
      made.push(manager);
      return manager;
    },
    async close(): Promise<void> {
      await Promise.all(made.splice(0).map((m) => m.shutdown({ mode: 'abort', timeoutMs: 3_000 }).catch(() => undefined)));
      await removeKeys(prefix);
    },
  };
}

/** Polls until `check` holds. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(20);
  }
}
