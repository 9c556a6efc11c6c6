// The data behind the task view and the charts, over HTTP from a real manager: GET /api/tasks/:id
// (history, dependencies, dependents, the question), GET /api/activity, owner labels, memory bounds.
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError, TaskManager } from '@headway/core';
import type { TaskContext } from '@headway/core';
import { createDashboard, defaultOwnerLabel, HISTORY_LIMITS } from '../src/index.js';
import type { ActivityView, TaskHistoryView, TaskView } from '../src/index.js';
import { Activity } from '../src/activity.js';
import { eventually, gate, http, startRig } from './helpers.js';
import type { Rig } from './helpers.js';

interface TaskAnswer {
  task: TaskView;
  history?: TaskHistoryView;
  dependencies: (TaskView | { id: string })[];
  dependents: TaskView[];
}

async function taskOf(rig: Rig, id: string): Promise<TaskAnswer> {
  const answer = await http(`${rig.url}api/tasks/${encodeURIComponent(id)}`);
  expect(answer.status).toBe(200);
  return answer.json as TaskAnswer;
}

describe('task view data and activity', () => {
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('is a fleet-wide reporter: it asks for events relayed from other processes', () => {
    const dashboard = createDashboard({ manager: () => new TaskManager() });
    expect(dashboard.remote).toBe(true);
  });

  it('GET /api/tasks/:id has the phases, progress, attempts, resources and log of a task, with its dependencies', async () => {
    rig = await startRig({}, { resources: { enabled: true, intervalMs: 20 }, retry: { initialDelayMs: 5, jitter: 'none' } });
    const first = await rig.manager.create({
      kind: 'clear_context',
      owner: 'principal:alice',
      retry: { maxAttempts: 2 },
      fn: async (_input: unknown, ctx: TaskContext) => {
        await ctx.progress.phase('Deleting subjects', { total: 3, to: 80 }, async (outer) => {
          await outer.phase('Batch 1', { weight: 100 }, async () => {
            await delay(30);
            if (ctx.attempt === 1) throw new Error('registry answered 503');
          });
        });
        ctx.log.info('subjects deleted', { n: 3 });
        await ctx.progress.phase('Deleting context', { to: 100 }, () => delay(60));
      },
    });
    const second = await rig.manager.create({ kind: 'publish', owner: 'principal:alice', dependsOn: [first.id], fn: () => 'ok' });
    await second.result();
    await rig.manager.flush();

    const { task, history, dependents } = await taskOf(rig, first.id);
    expect(task).toMatchObject({ id: first.id, status: 'completed', ownerLabel: 'alice', attempt: 2, maxAttempts: 2 });
    expect(history!.attempts).toEqual([
      { attempt: 1, startedAt: expect.any(Number), endedAt: expect.any(Number), outcome: 'retrying' },
      { attempt: 2, startedAt: expect.any(Number), endedAt: expect.any(Number), outcome: 'completed' },
    ]);
    expect(history!.phases.map((p) => [p.path.join(' › '), p.attempt, p.abandoned ?? false, p.endedAt !== undefined])).toEqual([
      ['Deleting subjects', 1, true, true],
      ['Deleting subjects › Batch 1', 1, true, true],
      ['Deleting subjects', 2, false, true],
      ['Deleting subjects › Batch 1', 2, false, true],
      ['Deleting context', 2, false, true],
    ]);
    expect(history!.phases[4]).toMatchObject({ from: 80, to: 100 });
    const progress = history!.progress;
    expect(progress[0]![1]).toBe(0);
    expect(progress[progress.length - 1]![1]).toBe(100);
    for (let i = 1; i < progress.length; i++) {
      expect(progress[i]![0]).toBeGreaterThanOrEqual(progress[i - 1]![0]);
      expect(progress[i]![1]).toBeGreaterThanOrEqual(progress[i - 1]![1]);
    }
    expect(history!.resources.length).toBeGreaterThan(2);
    expect(history!.resources[0]).toMatchObject({ attempt: 1, cpuMs: expect.any(Number), rssBytes: expect.any(Number), shared: expect.any(Boolean) });
    expect(history!.log.map((l) => l.message)).toContain('subjects deleted');
    expect(history!.log.some((l) => l.level === 'warning' && l.message.includes('registry answered 503'))).toBe(true);
    expect(dependents.map((d) => d.id)).toEqual([second.id]);

    const publish = await taskOf(rig, second.id);
    expect(publish.task.dependsOn).toEqual([first.id]);
    expect(publish.dependencies).toEqual([expect.objectContaining({ id: first.id, kind: 'clear_context', status: 'completed' })]);
  });

  it('shows the question of a task waiting for input, without its request id, until it is answered', async () => {
    rig = await startRig();
    const answered = gate();
    const handle = await rig.manager.create({
      kind: 'approve',
      owner: 'session:3f2a91c0-5b7e-4c1d-9a2f-6e8d4b1c7a90',
      fn: async (_input: unknown, ctx: TaskContext) => {
        const answer = await ctx.elicit({
          message: 'Delete 42 subjects?',
          schema: { type: 'object', properties: { approve: { type: 'boolean', description: 'Yes to delete' }, mode: { type: 'string', enum: ['soft', 'hard'] } }, required: ['approve'] },
        });
        answered.open();
        return answer.action;
      },
    });
    await eventually(async () => (await rig!.manager.get(handle.id, { owner: handle.owner }))?.status === 'input_required', 'the question');
    await rig.manager.flush();
    const waiting = await taskOf(rig, handle.id);
    expect(waiting.task.status).toBe('input_required');
    expect(waiting.task.ownerLabel).toBe('session 3f2a91c0');
    expect(waiting.task.input).toEqual({
      message: 'Delete 42 subjects?',
      requestedAt: expect.any(Number),
      fields: [
        { name: 'approve', type: 'boolean', description: 'Yes to delete', required: true },
        { name: 'mode', type: 'string', options: ['soft', 'hard'] },
      ],
    });
    const record = (await rig.manager.get(handle.id, { owner: handle.owner }))!;
    expect(JSON.stringify(waiting)).not.toContain(record.inputRequest!.id);
    // The list and the live stream carry it too.
    const listed = (await http(`${rig.url}api/tasks`)).json as { tasks: TaskView[] };
    expect(listed.tasks[0]!.input?.message).toBe('Delete 42 subjects?');

    await rig.manager.respond(handle.id, { requestId: record.inputRequest!.id, action: 'decline' }, { owner: handle.owner });
    expect(await handle.result()).toBe('decline');
    await rig.manager.flush();
    const done = await taskOf(rig, handle.id);
    expect(done.task.input).toBeUndefined();
    expect(done.history!.inputs.map((m) => [m.state, m.action])).toEqual([
      ['requested', undefined],
      ['answered', 'decline'],
    ]);
  });

  it('GET /api/activity counts tasks started and finished and their durations per kind', async () => {
    rig = await startRig();
    const run = (kind: string, ms: number, fail = false) =>
      rig!.manager.create({
        kind,
        fn: async () => {
          await delay(ms);
          if (fail) throw new Error('no');
        },
      });
    const handles = await Promise.all([run('fast', 5), run('fast', 10), run('slow', 120), run('slow', 80, true)]);
    await Promise.all(handles.map((h) => h.wait()));
    await rig.manager.flush();
    const answer = await http(`${rig.url}api/activity`);
    expect(answer.status).toBe(200);
    const activity = answer.json as ActivityView;
    expect(activity).toMatchObject({ windowMs: 3_600_000, bucketMs: 10_000 });
    const sum = (k: 'started' | 'completed' | 'failed' | 'cancelled') => activity.throughput.reduce((n, b) => n + b[k], 0);
    expect([sum('started'), sum('completed'), sum('failed'), sum('cancelled')]).toEqual([4, 3, 1, 0]);
    expect(activity.durations.points.map((p) => p.id).sort()).toEqual(handles.map((h) => h.id).sort());
    const byKind = Object.fromEntries(activity.durations.kinds.map((k) => [k.kind, k]));
    expect(byKind.fast).toMatchObject({ count: 2, failed: 0 });
    expect(byKind.slow).toMatchObject({ count: 2, failed: 1 });
    expect(byKind.slow!.maxMs).toBeGreaterThanOrEqual(120);
    expect(byKind.fast!.meanMs).toBeLessThan(byKind.slow!.meanMs);
    expect((await http(`${rig.url}api/activity?window=1h`)).status).toBe(400);
  });

  it('counts the hour before it existed from the stored records when it first loads them', async () => {
    const manager = new TaskManager({ resources: { enabled: false } });
    try {
      const done = await manager.create({ kind: 'before', fn: () => delay(20) });
      await done.result();
      const dashboard = createDashboard({ manager });
      const server = await dashboard.listen();
      try {
        const activity = (await http(`${server.url}api/activity`)).json as ActivityView;
        expect(activity.throughput.reduce((n, b) => n + b.started + b.completed, 0)).toBe(2);
        expect(activity.durations.kinds).toEqual([expect.objectContaining({ kind: 'before', count: 1 })]);
      } finally {
        await server.close();
      }
    } finally {
      await manager.shutdown();
    }
  });

  it('keeps a bounded history per task, whatever the task does', async () => {
    rig = await startRig({}, { resources: { enabled: true, intervalMs: 1 } });
    const handle = await rig.manager.create({
      kind: 'busy',
      fn: async (_input: unknown, ctx: TaskContext) => {
        for (let i = 0; i < 400; i++) {
          await ctx.progress.phase(`step ${i}`, { weight: 0.2 }, async (phase) => {
            phase.update(50);
            ctx.log.info(`step ${i}`);
          });
          if (i % 40 === 0) await delay(60); // lets resource samples in
        }
      },
    });
    await handle.result();
    await rig.manager.flush();
    const { history } = await taskOf(rig, handle.id);
    expect(history!.progress.length).toBeLessThanOrEqual(HISTORY_LIMITS.progress);
    expect(history!.progress[0]![1]).toBe(0);
    expect(history!.progress[history!.progress.length - 1]![1]).toBe(100);
    expect(history!.phases).toHaveLength(HISTORY_LIMITS.phases);
    expect(history!.droppedPhases).toBe(400 - HISTORY_LIMITS.phases);
    expect(history!.phases[HISTORY_LIMITS.phases - 1]!.name).toBe('step 399');
    expect(history!.log.length).toBe(HISTORY_LIMITS.log);
    expect(history!.droppedLog).toBeGreaterThan(0);
    expect(history!.log[history!.log.length - 1]!.message).toMatch(/^Completed busy task/);
    expect(history!.resources.length).toBeGreaterThan(3);
    expect(history!.resources.length).toBeLessThanOrEqual(HISTORY_LIMITS.resources);
  });
});

describe('Activity (the last hour in fixed memory)', () => {
  const MIN = 60_000;

  it('keeps exact counts and sums per kind, and a bounded uniform sample of points per minute', () => {
    const activity = new Activity({ maxPoints: 610, random: () => 0.999 });
    const t0 = 1_800_000_000_000;
    for (let i = 0; i < 5000; i++) {
      activity.started(t0 + i);
      activity.finished(t0 + i, `t${i}`, i % 2 ? 'a' : 'b', i % 10 === 0 ? 'failed' : 'completed', i % 2 ? 10 : 1000);
    }
    const view = activity.view(t0 + MIN);
    expect(view.throughput.reduce((n, b) => n + b.started, 0)).toBe(5000);
    expect(view.throughput.reduce((n, b) => n + b.failed, 0)).toBe(500);
    expect(view.durations.points).toHaveLength(10);
    expect(view.durations.sampled).toBe(true);
    expect(view.durations.kinds).toEqual([
      { kind: 'a', count: 2500, meanMs: 10, minMs: 10, maxMs: 10, failed: 0, cancelled: 0 },
      { kind: 'b', count: 2500, meanMs: 1000, minMs: 1000, maxMs: 1000, failed: 500, cancelled: 0 },
    ]);
  });

  it('forgets what is older than the window and reuses its buckets', () => {
    const activity = new Activity();
    const t0 = 1_800_000_000_000;
    for (let m = 0; m < 180; m++) {
      activity.started(t0 + m * MIN);
      activity.finished(t0 + m * MIN + 1, `t${m}`, `kind-${m % 3}`, 'completed', 5);
    }
    const view = activity.view(t0 + 179 * MIN + 2);
    const started = view.throughput.reduce((n, b) => n + b.started, 0);
    expect(started).toBeGreaterThanOrEqual(60);
    expect(started).toBeLessThanOrEqual(61);
    expect(view.throughput[0]!.at).toBeGreaterThanOrEqual(t0 + 119 * MIN - 10_000);
    expect(view.durations.kinds.reduce((n, k) => n + k.count, 0)).toBeLessThanOrEqual(62);
    // A late event for a time the ring no longer holds is ignored, not counted in a newer bucket.
    activity.finished(t0, 'late', 'kind-0', 'failed', 5);
    expect(activity.view(t0 + 179 * MIN + 2).throughput.reduce((n, b) => n + b.failed, 0)).toBe(0);
  });

  it('counts kinds beyond maxKinds as other', () => {
    const activity = new Activity({ maxKinds: 2 });
    const t0 = 1_800_000_000_000;
    for (const kind of ['a', 'b', 'c', 'd']) activity.finished(t0, kind, kind, 'completed', 1);
    expect(activity.view(t0).durations.kinds.map((k) => [k.kind, k.count])).toEqual([
      ['other', 2],
      ['a', 1],
      ['b', 1],
    ]);
  });
});

describe('owner labels', () => {
  it('shorten opaque ids and keep readable names', () => {
    expect(defaultOwnerLabel('principal:alice@example.com')).toBe('alice@example.com');
    expect(defaultOwnerLabel('session:3f2a91c0-5b7e-4c1d-9a2f-6e8d4b1c7a90')).toBe('session 3f2a91c0');
    expect(defaultOwnerLabel('connection:Qx8k1vZpR2m9YtB4nW7cLq')).toBe('connection Qx8k1vZp');
    expect(defaultOwnerLabel('3f2a91c0-5b7e-4c1d-9a2f-6e8d4b1c7a90')).toBe('3f2a91c0…');
    expect(defaultOwnerLabel('local')).toBe('local');
    expect(defaultOwnerLabel('team-billing-department-of-finance')).toBe('team-billing-department-of-finance');
    expect(defaultOwnerLabel('x'.repeat(100))).toHaveLength(60);
  });

  it('come from the ownerLabel option, falling back to the default when it throws or answers nothing', async () => {
    const names: Record<string, string> = { 'principal:u-17': 'Ada Lovelace' };
    const rig = await startRig({
      ownerLabel: (owner) => {
        if (owner === 'principal:boom') throw new Error('directory down');
        return names[owner] ?? '';
      },
    });
    try {
      for (const owner of ['principal:u-17', 'principal:boom', 'session:3f2a91c0-5b7e-4c1d-9a2f-6e8d4b1c7a90']) {
        await (await rig.manager.create({ kind: 'job', owner, fn: () => 1 })).result();
      }
      await rig.manager.flush();
      const { tasks } = (await http(`${rig.url}api/tasks`)).json as { tasks: TaskView[] };
      expect(tasks.map((t) => t.ownerLabel)).toEqual(['Ada Lovelace', 'boom', 'session 3f2a91c0']);
      expect(() => createDashboard({ manager: rig.manager, ownerLabel: 'name' as never })).toThrow(InvalidArgumentError);
    } finally {
      await rig.close();
    }
  });
});
