import { afterEach, describe, expect, it } from 'vitest';
import type { TaskContext } from '@headway/core';
import type { LogLine, TaskView } from '../src/index.js';
import { SseReader, eventually, gate, startRig } from './helpers.js';
import type { Rig } from './helpers.js';

interface TaskFrame {
  type: string;
  task: TaskView;
  log?: LogLine;
}

describe('GET /api/events over raw HTTP', () => {
  let rig: Rig | undefined;
  const readers: SseReader[] = [];
  afterEach(async () => {
    for (const r of readers.splice(0)) r.close();
    await rig?.close();
    rig = undefined;
  });

  it('sends a snapshot, then every lifecycle event of a multi-phase task with monotonic ids', async () => {
    rig = await startRig({ frameMs: 20 });
    const before = await rig.manager.create({ kind: 'warmup', fn: () => 'ok' });
    await before.result();
    await rig.manager.flush();

    const sse = new SseReader(`${rig.url}api/events`);
    readers.push(sse);
    await sse.until(() => sse.messages.length > 0, 'the snapshot');
    expect(sse.status).toBe(200);
    expect(sse.retry).toBe(2000);
    const [snapshot] = sse.parsed<{ tasks: TaskView[]; log: LogLine[] }>('snapshot');
    expect(snapshot!.json.tasks.map((t) => [t.kind, t.status, t.progress])).toEqual([['warmup', 'completed', 100]]);
    expect(snapshot!.json.log.map((l) => l.message)).toContain(`Created warmup task ${before.id}`);

    const held = gate();
    const handle = await rig.manager.create({
      kind: 'import',
      owner: 'alice',
      fn: async (_input: unknown, ctx: TaskContext) => {
        await ctx.progress.phase('Fetching', { total: 4, to: 40 }, async (phase) => {
          for (let i = 0; i < 4; i++) phase.updateItem(i, `fetched ${i + 1} of 4`);
        });
        await held.promise;
        await ctx.progress.phase('Writing', { to: 100 }, async (phase) => {
          phase.update(50, 'half written');
          ctx.log.info('wrote the first half');
          phase.update(100);
        });
        return 'done';
      },
    });
    const frames = () => sse.parsed<TaskFrame>().filter((m) => m.event !== 'snapshot' && m.json.task.id === handle.id);
    await sse.until(() => frames().some((m) => m.json.task.progress >= 40 && m.json.task.phase === undefined), 'Fetching to end at 40%');
    held.open();
    await handle.result();
    await sse.until(() => frames().some((m) => m.json.type === 'completed'), 'the completed frame');

    const types = frames().filter((m) => m.event === 'task').map((m) => m.json.type);
    expect(types[0]).toBe('created');
    expect(types).toContain('started');
    expect(types).toContain('phase');
    expect(types).toContain('milestone');
    expect(types).toContain('log');
    expect(types[types.length - 1]).toBe('completed');
    const last = frames().at(-1)!.json;
    expect(last.task).toMatchObject({ status: 'completed', progress: 100, owner: 'alice', kind: 'import', attempt: 1 });
    expect(last.log?.message).toMatch(/^Completed import task /);
    expect(frames().some((m) => m.json.task.phase === 'Writing')).toBe(true);
    expect(frames().some((m) => m.json.log?.message === 'wrote the first half')).toBe(true);

    const progress = frames().map((m) => m.json.task.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    const ids = sse.messages.map((m) => Number(m.id));
    for (let i = 1; i < ids.length; i++) expect(ids[i]).toBeGreaterThan(ids[i - 1]!);
  });

  it('coalesces progress per task per frame', async () => {
    rig = await startRig({ frameMs: 400 });
    const sse = new SseReader(`${rig.url}api/events`);
    readers.push(sse);
    await sse.until(() => sse.messages.length > 0, 'the snapshot');
    const handle = await rig.manager.create({
      kind: 'fast',
      fn: async (_input: unknown, ctx: TaskContext) => {
        for (let i = 1; i <= 99; i++) {
          ctx.progress.update(i, `step ${i}`);
          await new Promise((r) => setImmediate(r));
        }
        return 99;
      },
    });
    await handle.result();
    await rig.manager.flush();
    await sse.until(() => sse.parsed<TaskFrame>('task').some((m) => m.json.type === 'completed'), 'completion');
    const progressFrames = sse.parsed<TaskFrame>('progress').filter((m) => m.json.task.id === handle.id);
    const stats = rig.dashboard.stats();
    // ~99 progress events went to the dashboard; with a 400 ms frame only a handful reach the client.
    expect(progressFrames.length).toBeLessThan(20);
    expect(stats.coalesced).toBeGreaterThan(50);
    expect(stats.clients).toBe(1);
  });

  it('sends heartbeat comments and echoes Last-Event-ID on reconnect', async () => {
    rig = await startRig({ heartbeatMs: 50 });
    await (await rig.manager.create({ kind: 'one', fn: () => 1 })).result();
    await rig.manager.flush();
    const sse = new SseReader(`${rig.url}api/events`, { 'last-event-id': '2' });
    readers.push(sse);
    await sse.until(() => sse.comments.filter((c) => c === 'heartbeat').length >= 2, 'two heartbeats');
    const [snapshot] = sse.parsed<{ resumedFrom?: string; tasks: TaskView[] }>('snapshot');
    expect(snapshot!.json.resumedFrom).toBe('2');
    expect(Number(snapshot!.id)).toBe(rig.dashboard.stats().lastEventId);
    expect(snapshot!.json.tasks).toHaveLength(1);
  });

  it('shows tasks that existed before the dashboard was attached', async () => {
    const { TaskManager } = await import('@headway/core');
    const { MemoryTaskStore } = await import('@headway/core/spi');
    const { createDashboard } = await import('../src/index.js');
    const store = new MemoryTaskStore();
    const before = new TaskManager({ store, resources: { enabled: false } });
    await (await before.create({ kind: 'old', owner: 'bob', fn: () => 1 })).result();
    // A later manager on the same records, with a dashboard that never saw the task's events.
    const manager: InstanceType<typeof TaskManager> = new TaskManager({ store, reporters: [], resources: { enabled: false } });
    const late = createDashboard({ manager });
    try {
      const server = await late.listen();
      try {
        const sse = new SseReader(`${server.url}api/events`);
        readers.push(sse);
        await sse.until(() => sse.messages.length > 0, 'the snapshot');
        const [snapshot] = sse.parsed<{ tasks: TaskView[] }>('snapshot');
        expect(snapshot!.json.tasks).toMatchObject([{ kind: 'old', owner: 'bob', status: 'completed', progress: 100 }]);
      } finally {
        await server.close();
      }
    } finally {
      await manager.shutdown();
    }
  });

  it('ends every stream when the manager shuts down', async () => {
    rig = await startRig();
    const sse = new SseReader(`${rig.url}api/events`);
    readers.push(sse);
    await sse.until(() => sse.messages.length > 0, 'the snapshot');
    await rig.manager.shutdown();
    await eventually(() => sse.ended, 'the stream to end');
    expect(rig.dashboard.stats().clients).toBe(0);
  });
});
