// A sink given at two levels (the manager's or a kind's reporters, and a task's own): each event of
// that task reaches it once, through the task's reporter, which may wrap it (`Reporter.wraps`).
import { afterEach, describe, expect, it } from 'vitest';
import { ANY_OWNER, InvalidArgumentError, TaskManager } from '../src/index.js';
import type { Reporter, TaskEvent, TaskManagerOptions } from '../src/index.js';
import type { ProgressEvent } from '../src/events.js';
import { EventHub } from '../src/hub/event-hub.js';
import { MemoryTaskStore } from '../src/spi.js';
import { recorder, until } from './helpers.js';

const managers: TaskManager[] = [];
function manager(options: TaskManagerOptions = {}): TaskManager {
  const m = new TaskManager({ progress: { minIntervalMs: 0 }, resources: { enabled: false }, ...options });
  managers.push(m);
  return m;
}
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.shutdown({ mode: 'abort', timeoutMs: 1000 })));
});

/** A sink that keeps what it got and counts its closes. */
function sink(name: string) {
  const sink = { ...recorder(name), closed: 0, close: () => void sink.closed++ };
  return sink;
}

/** The types of the events of one task a sink got, in order. */
const typesOf = (r: { events: TaskEvent[] }, taskId: string) => r.events.filter((e) => e.taskId === taskId).map((e) => e.type);

/** `sink` got each event of the task once: what the manager's own sink `all` got of it, from `first` to its end. */
function expectEachOnce(sink: { events: TaskEvent[] }, all: { events: TaskEvent[] }, taskId: string, first: TaskEvent['type'] = 'created'): void {
  const types = typesOf(sink, taskId);
  expect(types[0]).toBe(first);
  expect(types).toContain('progress');
  expect(types.at(-1)).toBe('completed');
  expect(sink.events.filter((e) => e.taskId === taskId)).toEqual(all.events.filter((e) => e.taskId === taskId));
}

/** A task that reports progress twice, then returns. */
async function steps(_input: unknown, ctx: { progress: { update(value: number): void } }): Promise<string> {
  ctx.progress.update(40);
  ctx.progress.update(80);
  return 'ok';
}

describe("a sink that is a kind's and a task's", () => {
  it("gets each event of the task once, still gets the kind's other tasks, and is closed at shutdown only", async () => {
    const all = recorder('all');
    const both = sink('both');
    const m = manager({ reporters: [all] });
    m.define('export', steps, { reporters: [both] });
    const attached = await m.create({ kind: 'export', reporters: [both] });
    const plain = await m.create({ kind: 'export' });
    await Promise.all([attached.wait(), plain.wait()]);
    await m.flush();
    for (const task of [attached, plain]) expectEachOnce(both, all, task.id);
    // Attached as the same object, it is the manager's to close, not the task's.
    expect(both.closed).toBe(0);
    await m.shutdown();
    expect(both.closed).toBe(1);
  });

  it('reaches a task recovered after a restart, which nothing is attached to', async () => {
    const store = new MemoryTaskStore();
    Object.defineProperty(store, 'durable', { value: true });
    const first = manager({ store });
    first.define('export', (_input, ctx) => new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason))), { resumable: true });
    const task = await first.create({ kind: 'export' });
    await until(async () => (await first.get(task.id))?.status === 'working');
    await first.shutdown({ mode: 'abort', timeoutMs: 1000 });

    const kindSink = sink('kind');
    const all = recorder('all');
    const second = manager({ store, reporters: [all] });
    second.define('export', steps, { reporters: [kindSink], resumable: true });
    await second.start();
    expect(await second.wait(task.id, { owner: ANY_OWNER, timeoutMs: 5000 })).toMatchObject({ status: 'completed', result: 'ok' });
    await second.flush();
    expectEachOnce(kindSink, all, task.id, 'started');
  });

  it('is replaced, for a task, by a wrapper of it attached to that task, which decides what it gets', async () => {
    const kindSink = sink('kind');
    const wrapper = (eventTypes?: TaskEvent['type'][]): Reporter => ({
      name: 'wrapper',
      wraps: kindSink,
      ...(eventTypes && { eventTypes }),
      onEvent: (event) => kindSink.onEvent(event),
    });
    const all = recorder('all');
    const m = manager({ reporters: [all] });
    m.define('export', steps, { reporters: [kindSink] });
    const wrapped = await m.create({ kind: 'export', reporters: [wrapper()] });
    const endsOnly = await m.create({ kind: 'export', reporters: [wrapper(['completed'])] });
    const silenced = await m.create({ kind: 'export', reporters: [wrapper([])] });
    await Promise.all([wrapped.wait(), endsOnly.wait(), silenced.wait()]);
    await m.flush();
    expectEachOnce(kindSink, all, wrapped.id);
    expect(typesOf(kindSink, endsOnly.id)).toEqual(['completed']);
    expect(typesOf(kindSink, silenced.id)).toEqual([]);
  });

  it("works the same for the manager's own sinks", async () => {
    const all = recorder('all');
    const both = sink('both');
    const m = manager({ reporters: [all, both] });
    const task = await m.create({ kind: 'k', fn: steps, reporters: [both] });
    await task.wait();
    await m.flush();
    expectEachOnce(both, all, task.id);
    expect(both.closed).toBe(0);
  });
});

describe('EventHub: a global sink attached to a task', () => {
  let seq = 0;
  const progress = (taskId: string, value: number): ProgressEvent => ({ type: 'progress', taskId, owner: 'o', kind: 'k', at: ++seq, attempt: 1, progress: value });

  it('gets its local and relayed events once, through the attachment, then the global channel again', async () => {
    const dashboard = { ...recorder('dashboard'), remote: true };
    const hub = new EventHub([dashboard]);
    hub.attach('t1', [dashboard]);
    hub.publish(progress('t1', 1));
    await hub.flush();
    hub.publish(progress('t1', 2), { remote: true });
    await hub.flush();
    hub.publish({ type: 'completed', taskId: 't1', owner: 'o', kind: 'k', at: ++seq, attempt: 1, result: null, durationMs: 1 });
    await hub.flush();
    hub.publish(progress('t2', 3));
    await hub.flush();
    expect(dashboard.events.map((e) => `${e.taskId}:${e.type}`)).toEqual(['t1:progress', 't1:progress', 't1:completed', 't2:progress']);
  });

  it('refuses a wraps that is not a reporter, or that loops', () => {
    const hub = new EventHub();
    expect(() => hub.add({ name: 'odd', wraps: 'sink', onEvent: () => undefined } as never)).toThrow(/wraps of reporter "odd"/);
    const a: { name: string; wraps?: Reporter; onEvent(): void } = { name: 'a', onEvent: () => undefined };
    const b: Reporter = { name: 'b', wraps: a, onEvent: () => undefined };
    a.wraps = b;
    expect(() => hub.attach('t', [b])).toThrow(InvalidArgumentError);
  });

  it('attaches none of the reporters of a watch it refuses for a wraps', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const m = manager();
    m.define('gated', () => gate);
    const task = await m.create({ kind: 'gated', reporters: [recorder('own')] });
    const fine = sink('fine');
    await expect(m.watch(task.id, [fine, { name: 'odd', wraps: 5, onEvent: () => undefined } as never])).rejects.toThrow(/wraps of reporter "odd"/);
    open();
    await task.wait();
    await m.flush();
    expect([fine.events, fine.closed]).toEqual([[], 0]);
  });
});
