// What the design (coord/bullmq-design.md) relies on in BullMQ 6, checked against the installed
// version: each test pins one behaviour, so an upgrade that changes it fails here first.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FlowProducer, Queue, UnrecoverableError, Worker } from 'bullmq';
import type { Job, Processor, WorkerOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { REDIS_URL, sleep, uniquePrefix } from './helpers.js';

const STUCK_WORKER = fileURLToPath(new URL('./fixtures/stuck-worker.mjs', import.meta.url));
const connection = { url: REDIS_URL, maxRetriesPerRequest: null };

describe('BullMQ 6 behaviours the design relies on', () => {
  let prefix: string;
  let queue: Queue;
  let redis: Redis;
  const closers: (() => Promise<unknown>)[] = [];
  const worker = (processor: Processor, opts: Partial<WorkerOptions> = {}) => {
    const w = new Worker('q', processor, { connection, prefix, ...opts });
    closers.push(() => w.close(true));
    return w;
  };
  const finished = (w: Worker, count: number) =>
    new Promise<Job[]>((resolve) => {
      const done: Job[] = [];
      const add = (job: Job | undefined) => {
        if (job) done.push(job);
        if (done.length === count) resolve(done);
      };
      w.on('completed', add);
      w.on('failed', add);
    });
  beforeEach(() => {
    prefix = uniquePrefix();
    queue = new Queue('q', { connection, prefix });
    redis = new Redis(REDIS_URL);
  });
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
    await queue.obliterate({ force: true });
    await queue.close();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it('gives a processor an AbortSignal only when it declares three parameters; cancelJob aborts it in that worker only', async () => {
    let signal: AbortSignal | undefined;
    const w = worker(async (_job, _token, s) => {
      signal = s;
      await new Promise((_, reject) => s!.addEventListener('abort', () => reject(new UnrecoverableError(`cancelled: ${String(s!.reason)}`))));
    });
    const ended = finished(w, 1);
    await queue.add('k', {}, { jobId: 'K', attempts: 3 });
    while (!signal) await sleep(10);
    expect(w.cancelJob('K', 'by user')).toBe(true);
    const [job] = await ended;
    expect(job).toMatchObject({ id: 'K', attemptsMade: 1, failedReason: 'cancelled: by user' });
    expect(await queue.getJobState('K')).toBe('failed');
    const twoParams = worker(async (_job, _token) => 'ok', { autorun: false });
    expect((twoParams as unknown as { processorAcceptsSignal: boolean }).processorAcceptsSignal).toBe(false);
  });

  it('takes plain jobs first, then prioritized ones in sorted-set order: position = LLEN wait + ZRANK + 1', async () => {
    for (let i = 0; i < 5; i++) await queue.add('x', {}, { jobId: `p${i}`, priority: 1 });
    await queue.add('x', {}, { jobId: 'plain' });
    const key = (name: string) => `${prefix}:q:${name}`;
    const waiting = await redis.llen(key('wait'));
    const positions = await Promise.all(['p0', 'p1', 'p2', 'p3', 'p4'].map(async (id) => waiting + (await redis.zrank(key('prioritized'), id))! + 1));
    expect(positions).toEqual([2, 3, 4, 5, 6]);
    const order: string[] = [];
    const w = worker(async (job) => void order.push(job.id!));
    await finished(w, 6);
    expect(order).toEqual(['plain', 'p0', 'p1', 'p2', 'p3', 'p4']);
  });

  it('lets a custom backoff strategy see the job and choose the delay; -1 stops the retries', async () => {
    const calls: unknown[] = [];
    const w = worker(async () => { throw new Error('again'); }, {
      settings: { backoffStrategy: (attemptsMade, type, _err, job) => { calls.push([attemptsMade, type, job?.data]); return attemptsMade >= 2 ? -1 : 20; } },
    });
    const ended = finished(w, 2);
    await queue.add('r', { policy: 'p' }, { jobId: 'R', attempts: 5, backoff: { type: 'headway' } });
    await ended;
    expect(calls).toEqual([[1, 'headway', { policy: 'p' }], [2, 'headway', { policy: 'p' }]]);
    expect(await queue.getJobState('R')).toBe('failed');
  });

  it('removes waiting and delayed jobs, not an active (locked) one', async () => {
    let started = false;
    const w = worker(async (_job, _token, signal) => {
      started = true;
      await new Promise((resolve) => signal!.addEventListener('abort', resolve));
    });
    await queue.add('x', {}, { jobId: 'ACT' });
    await queue.add('x', {}, { jobId: 'DEL', delay: 60_000 });
    while (!started) await sleep(10);
    expect(await queue.remove('DEL')).toBe(1);
    expect(await queue.remove('ACT')).toBe(0);
    expect(await queue.getJobState('ACT')).toBe('active');
    w.cancelJob('ACT');
  });

  it('attaches existing pending and completed jobs as children of a new flow parent, results keyed by job key', async () => {
    const w = worker(async (job) => ({ from: job.id }));
    const ended = finished(w, 3);
    await queue.add('b', {}, { jobId: 'B' });
    await queue.add('a', {}, { jobId: 'A', delay: 300 });
    while ((await queue.getJobState('B')) !== 'completed') await sleep(10);
    const flows = new FlowProducer({ connection, prefix });
    closers.push(() => flows.close());
    await flows.add({ name: 'c', queueName: 'q', opts: { jobId: 'C' }, children: [
      { name: 'a', queueName: 'q', opts: { jobId: 'A' } },
      { name: 'b', queueName: 'q', opts: { jobId: 'B' } },
    ] });
    expect(await queue.getJobState('C')).toBe('waiting-children');
    await ended;
    const parent = (await queue.getJob('C'))!;
    expect(await parent.getChildrenValues()).toEqual({ [`${prefix}:q:A`]: { from: 'A' }, [`${prefix}:q:B`]: { from: 'B' } });
  });

  it('fails a chain through failParentOnFailure set on each child when it was created', async () => {
    const w = worker(async (job) => { if (job.id === 'X') throw new Error('boom'); return job.id; });
    const ended = finished(w, 1);
    const flows = new FlowProducer({ connection, prefix });
    closers.push(() => flows.close());
    await flows.add({ name: 'z', queueName: 'q', opts: { jobId: 'Z' }, children: [
      { name: 'y', queueName: 'q', opts: { jobId: 'Y', failParentOnFailure: true }, children: [
        { name: 'x', queueName: 'q', opts: { jobId: 'X', failParentOnFailure: true } },
      ] },
    ] });
    await ended;
    await sleep(100);
    expect(await Promise.all(['X', 'Y', 'Z'].map((id) => queue.getJobState(id)))).toEqual(['failed', 'failed', 'failed']);
    expect((await queue.getJob('Z'))!.failedReason).toBe(`child ${prefix}:q:Y failed`);
  });

  it('leaves a new flow parent waiting forever on an existing failed child, or on a child that already has a parent', async () => {
    const w = worker(async (job) => { if (job.name === 'fail') throw new Error('boom'); return 1; });
    const failed = finished(w, 1);
    await queue.add('fail', {}, { jobId: 'F' });
    await failed;
    const flows = new FlowProducer({ connection, prefix });
    closers.push(() => flows.close());
    await flows.add({ name: 'd', queueName: 'q', opts: { jobId: 'D' }, children: [{ name: 'fail', queueName: 'q', opts: { jobId: 'F' } }] });
    await queue.add('g', {}, { jobId: 'G', delay: 200 });
    await flows.add({ name: 'p1', queueName: 'q', opts: { jobId: 'P1' }, children: [{ name: 'g', queueName: 'q', opts: { jobId: 'G' } }] });
    await flows.add({ name: 'p2', queueName: 'q', opts: { jobId: 'P2' }, children: [{ name: 'g', queueName: 'q', opts: { jobId: 'G' } }] });
    while ((await queue.getJobState('P1')) !== 'completed') await sleep(20);
    await sleep(200);
    expect(await queue.getJobState('D')).toBe('waiting-children');
    expect(await queue.getJobState('P2')).toBe('waiting-children');
  });

  // Every worker of a queue must use the same stalledInterval: the check takes a fleet-wide key
  // for stalledInterval ms, so one worker with a long interval delays everyone's checks.
  it('moves the job of a SIGKILLed worker back to wait within lockDuration + stalledInterval, as a stall, not a failed attempt', async () => {
    const lockDuration = 1_000;
    const stalledInterval = 500;
    await queue.add('x', {}, { jobId: 'S', attempts: 1 });
    const child = spawn(process.execPath, [STUCK_WORKER, REDIS_URL, prefix, 'q', String(lockDuration), String(stalledInterval)], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('started S') && resolve()));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const killedAt = Date.now();
    const rerun = new Promise<Job>((resolve) => worker(async (job) => void resolve(job), { lockDuration, stalledInterval }));
    const job = await rerun;
    const took = Date.now() - killedAt;
    if (process.env.HW_SHOW) console.log({ stalledJobRerunAfterMs: took });
    expect(took).toBeLessThan(lockDuration + stalledInterval + 1_500);
    expect(job.attemptsMade).toBe(0);
    expect(job.attemptsStarted).toBe(2);
    expect(job.stalledCounter).toBe(1);
  });
});
