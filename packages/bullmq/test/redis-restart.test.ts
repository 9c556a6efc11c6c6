// A private redis-server (append-only, fsync always) is killed and restarted while two worker
// processes run tasks: clear errors while it is away, then recovery by itself; every task whose
// create was acknowledged completes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANY_OWNER, TaskManager } from '@headway/core';
import type { TaskHandle } from '@headway/core';
import { RedisStoreError, bullmq } from '../src/index.js';
import { PrivateRedis, eventually, sleep } from './helpers.js';
import { CLI, NodeProcess, fixture } from './processes.js';

describe('Redis restarted during a run', () => {
  let redis: PrivateRedis;
  const workers: NodeProcess[] = [];
  let server: TaskManager;

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    for (const name of ['worker-1', 'worker-2']) {
      workers.push(await NodeProcess.start(name, [CLI, '--tasks', fixture('restart-tasks.mjs'), '--redis', redis.url, '--prefix', 'restart', '--stalled-bound-ms', '3000', '--concurrency', '4'], {}, [/ready \(Redis/]));
    }
    server = new TaskManager({ ...bullmq({ connection: redis.url, prefix: 'restart', stalledJobBoundMs: 3_000, onError: () => undefined }) });
    await server.start();
  }, 60_000);

  afterAll(async () => {
    await server?.shutdown({ mode: 'abort', timeoutMs: 3_000 });
    await Promise.all(workers.map((w) => w.stop('SIGKILL')));
    await redis?.stop();
  });

  it('fails operations with errors naming Redis and the operation, recovers when it is back, and loses no acknowledged task', async () => {
    const acknowledged: TaskHandle[] = [];
    for (let i = 0; i < 16; i++) acknowledged.push(await server.create({ kind: 'work', input: i, resumable: true }));
    await eventually(async () => (await server.list({ owner: ANY_OWNER, status: ['working'] })).tasks.length >= 4);

    await redis.kill();
    const createError = await server.create({ kind: 'work', input: 99 }).catch((e: unknown) => e);
    expect(createError).toBeInstanceOf(RedisStoreError);
    expect((createError as Error).message).toMatch(new RegExp(`^Redis at redis://127\\.0\\.0\\.1:${redis.port} \\(prefix \\{restart\\}\\): \\w+.* failed: `));
    const getError = await server.get(acknowledged[0]!.id).catch((e: unknown) => e);
    expect((getError as RedisStoreError).operation).toBe(`get of task "${acknowledged[0]!.id}"`);
    await sleep(1_500);

    await redis.restart();
    // The same manager works again by itself.
    await eventually(async () => (await server.get(acknowledged[0]!.id).catch(() => undefined)) !== undefined, 20_000);
    acknowledged.push(await server.create({ kind: 'work', input: 100, resumable: true }));
    const ended = await Promise.all(acknowledged.map((t) => t.wait({ timeoutMs: 90_000 })));
    for (const r of ended) if (r.status !== 'completed') console.log(r.status, r.attempt, JSON.stringify(r.error));
    expect(ended.map((r) => r.status)).toEqual(acknowledged.map(() => 'completed'));
    expect(ended.map((r) => r.result)).toEqual(acknowledged.map((_, i) => (i < 16 ? i * 2 : 200)));
    const all = await server.list({ owner: ANY_OWNER, limit: 1000 });
    expect(all.tasks.map((t) => t.id).sort()).toEqual(expect.arrayContaining(acknowledged.map((t) => t.id).sort()));
    const resumed = ended.filter((r) => r.attempt > 1).length;
    console.log(`all ${ended.length} acknowledged tasks completed; ${resumed} were taken over after the outage`);
  }, 150_000);
});
