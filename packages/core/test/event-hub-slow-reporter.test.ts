import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { setImmediate as turn } from 'node:timers/promises';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TaskEvent, TaskEventType } from '../src/events.js';
import { isTerminalEvent } from '../src/events.js';
import { EventHub } from '../src/hub/event-hub.js';
import type { Reporter } from '../src/reporter.js';

// `at` is the publishing order, so each task's deliveries can be checked for order.
let seq = 0;
function event(type: TaskEventType, taskId: string, fields: Record<string, unknown> = {}): TaskEvent {
  const base = { taskId, owner: 'o', kind: 'k', at: ++seq, attempt: 1 };
  switch (type) {
    case 'created':
      return { type, ...base, metadata: {}, dependsOn: [], ttlMs: 1, maxAttempts: 1 };
    case 'started':
      return { type, ...base, queueWaitMs: 0 };
    case 'progress':
      return { type, ...base, progress: 0, ...fields } as TaskEvent;
    case 'log':
      return { type, ...base, level: 'info', message: 'm', ...fields } as TaskEvent;
    case 'completed':
      return { type, ...base, result: null, durationMs: 1 };
    default:
      throw new Error(`no fixture for ${type}`);
  }
}

function byTask(events: readonly TaskEvent[]): Map<string, TaskEvent[]> {
  const tasks = new Map<string, TaskEvent[]>();
  for (const e of events) {
    let list = tasks.get(e.taskId);
    if (!list) tasks.set(e.taskId, (list = []));
    list.push(e);
  }
  return tasks;
}

function heapUsedAfterGc(): number {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  return process.memoryUsage().heapUsed;
}

describe('EventHub with a slow reporter', () => {
  it("a slow reporter under 10,000 concurrent tasks gets each task's last progress before its terminal event, in a bounded queue", async () => {
    const TASKS = 10_000;
    const ROUNDS = 30;
    const seen: TaskEvent[] = [];
    // Answers every event, one per turn of the event loop: far slower than the tasks publish.
    const slow: Reporter = {
      name: 'slow',
      async onEvent(e) {
        seen.push(e);
        await turn();
      },
    };
    const hub = new EventHub([slow], { hangTimeoutMs: 60_000 });
    const ids = Array.from({ length: TASKS }, (_, i) => `t${i}`);
    let maxQueued = 0;
    const sample = () => (maxQueued = Math.max(maxQueued, hub.stats()[0]!.queued));
    const heapBefore = heapUsedAfterGc();

    for (const id of ids) {
      hub.publish(event('created', id));
      hub.publish(event('started', id));
    }
    sample();
    for (let round = 1; round <= ROUNDS; round++) {
      for (const id of ids) {
        hub.publish(event('log', id, { message: `step ${round}` }));
        hub.publish(event('progress', id, { progress: (round * 100) / ROUNDS, message: `step ${round}` }));
      }
      sample();
      await turn();
    }
    // 630,000 events published so far; what is held does not grow with them.
    const heapGrowth = heapUsedAfterGc() - heapBefore;
    for (const id of ids) hub.publish(event('completed', id));
    sample();
    await hub.flush();

    const stats = hub.stats()[0]!;
    const tasks = byTask(seen);
    expect(tasks.size).toBe(TASKS);
    for (const id of ids) {
      const events = tasks.get(id)!;
      expect(events.at(-1)!.type).toBe('completed');
      const progress = events.filter((e) => e.type === 'progress');
      expect(progress.at(-1)).toMatchObject({ progress: 100, message: `step ${ROUNDS}` });
      // In publishing order, each event at most once.
      for (let i = 1; i < events.length; i++) expect(events[i]!.at).toBeGreaterThan(events[i - 1]!.at);
    }
    // Every created was delivered or folded into its task's end, and counted.
    expect(seen.filter((e) => e.type === 'created').length + stats.folded).toBe(TASKS);
    expect(seen.filter((e) => e.type === 'completed')).toHaveLength(TASKS);
    expect(stats.coalesced).toBeGreaterThan(TASKS * (ROUNDS - 2));
    expect(stats.dropped).toBeGreaterThan(0);
    // One created, one progress and one terminal per task, and maxQueue others, at the most.
    expect(maxQueued).toBeLessThanOrEqual(3 * TASKS + 10_000);
    expect(heapGrowth).toBeLessThan(32 * 1024 * 1024);
  }, 60_000);

  it('keeps each task in order, never loses a created or terminal event silently, and keeps the latest progress (any schedule)', async () => {
    type Op = { task: number; kind: 'progress' | 'log' | 'end' } | { step: number };
    const op = fc.oneof(
      fc.record({ task: fc.integer({ min: 0, max: 5 }), kind: fc.constantFrom('progress', 'progress', 'log', 'end') }),
      fc.record({ step: fc.integer({ min: 1, max: 4 }) }),
    ) as fc.Arbitrary<Op>;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 6 }), fc.array(op, { maxLength: 150 }), async (maxQueue, ops) => {
        const seen: TaskEvent[] = [];
        let answer: (() => void) | undefined;
        // Answers only when the schedule says so.
        const gated: Reporter = {
          name: 'gated',
          onEvent(e) {
            seen.push(e);
            return new Promise<void>((resolve) => (answer = resolve));
          },
        };
        const step = async () => {
          const resolve = answer;
          answer = undefined;
          resolve?.();
          await turn();
        };
        const hub = new EventHub([gated], { maxQueue, hangTimeoutMs: 60_000 });
        const published: TaskEvent[] = [];
        const started = new Set<number>();
        const ended = new Set<number>();
        const publish = (e: TaskEvent) => {
          published.push(e);
          hub.publish(e);
        };
        for (const o of ops) {
          if ('step' in o) {
            for (let i = 0; i < o.step; i++) await step();
            continue;
          }
          if (ended.has(o.task)) continue;
          const id = `t${o.task}`;
          if (!started.has(o.task)) {
            started.add(o.task);
            publish(event('created', id));
          }
          if (o.kind === 'end') {
            ended.add(o.task);
            publish(event('completed', id));
          } else publish(event(o.kind, id, o.kind === 'progress' ? { progress: published.length } : {}));
          // What waits: maxQueue others (one over at the most), a created and a terminal per task, a
          // progress per task and per other event.
          expect(hub.stats()[0]!.queued).toBeLessThanOrEqual(2 * (maxQueue + 1) + 4 * started.size);
        }
        await turn();
        while (answer) await step();
        await hub.flush();

        const stats = hub.stats()[0]!;
        const delivered = byTask(seen);
        for (const [id, events] of byTask(published)) {
          const got = delivered.get(id) ?? [];
          // In publishing order, each at most once: progress never ahead of an earlier event of its
          // task, never after its terminal event.
          for (let i = 1; i < got.length; i++) expect(got[i]!.at).toBeGreaterThan(got[i - 1]!.at);
          const terminal = events.find(isTerminalEvent);
          if (terminal) expect(got.at(-1)).toBe(terminal);
          // A created is left out only when the task's terminal event was queued behind it.
          if (!got.some((e) => e.type === 'created')) expect(terminal && got.includes(terminal)).toBe(true);
          const lastProgress = events.filter((e) => e.type === 'progress').at(-1);
          if (lastProgress) expect(got).toContain(lastProgress);
        }
        const createdSeen = seen.filter((e) => e.type === 'created').length;
        expect(createdSeen + stats.folded).toBe(published.filter((e) => e.type === 'created').length);
        expect(seen.length + stats.coalesced + stats.dropped).toBe(published.length);
      }),
      { numRuns: 150 },
    );
  });
});
