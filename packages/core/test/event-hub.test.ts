import { describe, expect, it } from 'vitest';
import type { ProgressEvent, TaskEvent } from '../src/events.js';
import { EventHub } from '../src/hub/event-hub.js';
import { InvalidArgumentError } from '../src/errors.js';
import { recorder, sleep, until } from './helpers.js';

let seq = 0;
function progress(taskId: string, value: number): ProgressEvent {
  return { type: 'progress', taskId, owner: 'o', kind: 'k', at: ++seq, attempt: 1, progress: value };
}
function completed(taskId: string): TaskEvent {
  return { type: 'completed', taskId, owner: 'o', kind: 'k', at: ++seq, attempt: 1, result: null, durationMs: 1 };
}

describe('EventHub', () => {
  it('fans every event out to every reporter, in order', async () => {
    const a = recorder('a');
    const b = recorder('b');
    const hub = new EventHub([a, b]);
    for (let i = 1; i <= 5; i++) hub.publish(progress(`t${i}`, i));
    await hub.flush();
    expect(a.events.map((e) => e.taskId)).toEqual(['t1', 't2', 't3', 't4', 't5']);
    expect(b.events).toEqual(a.events);
  });

  it('queues for a reporter only the event types it names, and refuses unknown ones', async () => {
    const all = recorder('all');
    const picky = { ...recorder('picky'), eventTypes: ['completed'] as const };
    const hub = new EventHub([all, picky]);
    hub.publish(progress('t1', 10));
    hub.publish(completed('t1'));
    await hub.flush();
    expect(all.events.map((e) => e.type)).toEqual(['progress', 'completed']);
    expect(picky.events.map((e) => e.type)).toEqual(['completed']);
    expect(hub.stats().find((s) => s.reporter === 'picky')?.delivered).toBe(1);
    expect(() => new EventHub([{ name: 'typo', eventTypes: ['complete'] as never, onEvent: () => undefined }])).toThrow(
      /eventTypes of reporter "typo".*"complete".*completed/,
    );
    expect(() => hub.add({ name: 'bad', eventTypes: 'completed' as never, onEvent: () => undefined })).toThrow(InvalidArgumentError);
  });

  it('isolates a reporter that throws or rejects, and reports each kind of trouble once', async () => {
    const troubles: string[] = [];
    const good = recorder('good');
    const thrower = { name: 'thrower', onEvent: () => { throw new Error('boom'); } };
    const rejecter = { name: 'rejecter', onEvent: async () => { throw new Error('nope'); } };
    const hub = new EventHub([thrower, good, rejecter], { onReporterTrouble: (r, kind) => troubles.push(`${r}:${kind}`) });
    for (let i = 0; i < 50; i++) hub.publish(progress(`t${i}`, i));
    await hub.flush();
    expect(good.events).toHaveLength(50);
    expect(troubles.sort()).toEqual(['rejecter:error', 'thrower:error']);
    const stats = Object.fromEntries(hub.stats().map((s) => [s.reporter, s]));
    expect(stats.thrower!.errors).toBe(50);
    expect(stats.rejecter!.errors).toBe(50);
  });

  it('abandons a hanging reporter after the timeout and keeps delivering to the others', async () => {
    const troubles: string[] = [];
    const good = recorder('good');
    const hanging = { name: 'hanging', onEvent: () => new Promise<void>(() => {}) };
    const hub = new EventHub([hanging, good], { hangTimeoutMs: 30, onReporterTrouble: (r, kind) => troubles.push(`${r}:${kind}`) });
    for (let i = 0; i < 20; i++) hub.publish(progress(`t${i}`, i));
    await until(() => good.events.length === 20);
    await until(() => hub.stats().find((s) => s.reporter === 'hanging')!.queued === 0, 10_000);
    expect(troubles).toEqual(['hanging:hung']);
    const stats = hub.stats().find((s) => s.reporter === 'hanging')!;
    // It never holds more than a few abandoned deliveries; the rest are shed, not queued.
    expect(stats.hung).toBeLessThanOrEqual(5);
    expect(stats.dropped).toBeGreaterThan(0);
  });

  it('coalesces progress for a slow reporter so its queue stays bounded whatever the rate', async () => {
    const seen: TaskEvent[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = {
      name: 'slow',
      async onEvent(event: TaskEvent) {
        await gate;
        seen.push(event);
      },
    };
    const hub = new EventHub([slow], { hangTimeoutMs: 60_000 });
    for (let i = 0; i < 100_000; i++) hub.publish(progress(`t${i % 10}`, i / 1000));
    const queued = hub.stats()[0]!.queued;
    expect(queued).toBeLessThanOrEqual(11);
    release();
    await hub.flush();
    // Each task's latest value arrives; the final one is exact.
    const last = new Map(seen.map((e) => [e.taskId, (e as ProgressEvent).progress]));
    expect(last.get('t9')).toBe(99_999 / 1000);
    expect(hub.stats()[0]!.coalesced).toBeGreaterThan(99_000);
  });

  it('past maxQueue, queues no newer logs (and the like) until the reporter catches up, and never drops a terminal event', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const seen: TaskEvent[] = [];
    const slow = { name: 'slow', onEvent: async (e: TaskEvent) => { await gate; seen.push(e); } };
    const hub = new EventHub([slow], { maxQueue: 10, hangTimeoutMs: 60_000 });
    for (let i = 0; i < 30; i++) {
      hub.publish({ type: 'log', taskId: `t${i}`, owner: 'o', kind: 'k', at: i, attempt: 1, level: 'info', message: `m${i}` });
      hub.publish(completed(`t${i}`));
    }
    // Only terminal events stand beyond maxQueue: the logs that came after it were not queued.
    expect(hub.stats()[0]!.queued).toBeLessThanOrEqual(30 + 10);
    release();
    await hub.flush();
    expect(seen.filter((e) => e.type === 'completed')).toHaveLength(30);
    const logs = seen.filter((e) => e.type === 'log').map((e) => (e as { message: string }).message);
    expect(logs.length).toBeLessThan(10);
    // The ones kept are the ones queued first: nothing was cut out of what the reporter had queued.
    expect(logs).toEqual(logs.map((_, i) => `m${i}`));
    expect(hub.stats()[0]!.dropped).toBe(30 - logs.length);
  });

  it('publishes relayed events (remote) to per-task reporters and to the global reporters with remote: true only', async () => {
    const local = recorder('local');
    const dashboard = { ...recorder('dashboard'), remote: true };
    const mine = recorder('mine');
    const hub = new EventHub([local, dashboard]);
    hub.attach('t1', [mine]);
    hub.publish(progress('t1', 1));
    await hub.flush(); // (two progress events of one task waiting together would be coalesced)
    hub.publish(progress('t1', 2), { remote: true });
    hub.publish(progress('t2', 3), { remote: true });
    hub.publish(completed('t1'), { remote: true });
    await hub.flush();
    const values = (r: { events: TaskEvent[] }) => r.events.map((e) => `${e.taskId}:${e.type === 'progress' ? e.progress : e.type}`);
    expect(values(local)).toEqual(['t1:1']);
    expect(values(dashboard)).toEqual(['t1:1', 't1:2', 't2:3', 't1:completed']);
    // The relayed terminal event ends the per-task attachment like a local one.
    expect(values(mine)).toEqual(['t1:1', 't1:2', 't1:completed']);
    expect(() => hub.add({ name: 'odd', remote: 'yes', onEvent: () => undefined } as never)).toThrow(/remote of reporter "odd"/);
  });

  it('delivers per-task reporters only their task, and closes them after its terminal event', async () => {
    const global = recorder('global');
    const closed: string[] = [];
    const mine = { ...recorder('mine'), close: () => { closed.push('mine'); } };
    const hub = new EventHub([global]);
    hub.attach('t1', [mine]);
    hub.publish(progress('t1', 1));
    hub.publish(progress('t2', 1));
    hub.publish(completed('t1'));
    hub.publish(progress('t1', 5));
    await hub.flush();
    await sleep(5);
    expect(mine.events.map((e) => `${e.taskId}:${e.type}`)).toEqual(['t1:progress', 't1:completed']);
    expect(closed).toEqual(['mine']);
    expect(global.events).toHaveLength(4);
  });

  it('flush and close reach the reporters, and a closed hub ignores events', async () => {
    const calls: string[] = [];
    const r = { name: 'r', onEvent: () => { calls.push('event'); }, flush: () => { calls.push('flush'); }, close: async () => { calls.push('close'); } };
    const hub = new EventHub([r]);
    hub.publish(progress('t', 1));
    await hub.close();
    hub.publish(progress('t', 2));
    await sleep(5);
    expect(calls).toEqual(['event', 'flush', 'close']);
  });
});
