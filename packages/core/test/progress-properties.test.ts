// Issue 9 acceptance: properties of delivered progress over arbitrary updates, across retries,
// with phases that fail or are abandoned.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TaskManager } from '../src/index.js';
import type { Phase, ProgressScope, TaskContext, TaskEvent } from '../src/index.js';
import { recorder } from './helpers.js';

type Op =
  | { op: 'update'; value: number }
  | { op: 'phase'; to: number; total: number; items: number; ending: 'end' | 'throw' | 'dispose' }
  | { op: 'throw' };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('update' as const), value: fc.double({ min: 0, max: 100, noNaN: true }) }),
  fc.record({
    op: fc.constant('phase' as const),
    to: fc.double({ min: 0, max: 100, noNaN: true }),
    total: fc.integer({ min: 1, max: 20 }),
    items: fc.integer({ min: 0, max: 20 }),
    ending: fc.constantFrom('end' as const, 'throw' as const, 'dispose' as const),
  }),
  fc.record({ op: fc.constant('throw' as const) }),
);

class Planned extends Error {}

/** Runs one attempt's operations; records the value reached whenever it throws. */
async function play(ops: readonly Op[], ctx: TaskContext, reachedAtThrow: number[]): Promise<void> {
  const fail = (): never => {
    reachedAtThrow.push(ctx.progress.value);
    throw new Planned('planned failure');
  };
  const scope: ProgressScope = ctx.progress;
  for (const o of ops) {
    if (o.op === 'update') scope.update(o.value);
    else if (o.op === 'throw') fail();
    else if (o.ending === 'throw') {
      await scope.phase('p', { to: Math.max(o.to, 0), total: o.total }, (phase: Phase) => {
        for (let i = 0; i < Math.min(o.items, o.total); i++) phase.updateItem(i);
        fail();
      });
    } else {
      const phase = scope.phase('p', { to: o.to, total: o.total });
      for (let i = 0; i < Math.min(o.items, o.total); i++) phase.updateItem(i);
      if (o.ending === 'end') phase.end();
      else phase[Symbol.dispose]();
    }
  }
}

describe('delivered progress, across retries and failing phases', () => {
  it('never decreases, never exceeds 100, ends at 100 on success, and failure events carry the value reached', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(op, { maxLength: 12 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 0, max: 30 }),
        async (attempts, minIntervalMs) => {
          const rec = recorder();
          const m = new TaskManager({
            reporters: [rec],
            progress: { minIntervalMs },
            retry: { maxAttempts: attempts.length, initialDelayMs: 0, jitter: 'none' },
          });
          const reachedAtThrow: number[] = [];
          const task = await m.create({ kind: 'k', fn: (_i: unknown, ctx: TaskContext) => play(attempts[ctx.attempt - 1]!, ctx, reachedAtThrow) });
          const record = await task.wait();
          await m.flush();
          await m.shutdown();
          const mine = rec.events.filter((e) => e.taskId === task.id);
          const delivered = mine.filter((e): e is Extract<TaskEvent, { type: 'progress' }> => e.type === 'progress').map((e) => e.progress);
          expect(delivered.every((v, i) => i === 0 || v >= delivered[i - 1]!)).toBe(true);
          expect(delivered.every((v) => v >= 0 && v <= 100)).toBe(true);
          if (record.status === 'completed') expect(delivered.at(-1)).toBe(100);
          const failures = mine.filter((e): e is Extract<TaskEvent, { type: 'retrying' | 'failed' }> => e.type === 'retrying' || e.type === 'failed');
          expect(failures.map((e) => e.progress)).toEqual(reachedAtThrow);
          for (const failure of failures) {
            const before = delivered.filter((_, i) => mine.indexOf(mine.filter((e) => e.type === 'progress')[i]!) < mine.indexOf(failure));
            expect(failure.progress).toBeGreaterThanOrEqual(before.at(-1) ?? 0);
          }
        },
      ),
      { numRuns: 150 },
    );
  }, 120_000);
});
