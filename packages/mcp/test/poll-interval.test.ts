import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLL_POLICY, pollIntervalMs } from '../src/poll-interval.js';

const { minMs, maxMs, baseMs, inputMs } = DEFAULT_POLL_POLICY;

describe('pollIntervalMs', () => {
  it('is absent once the task has finished', () => {
    for (const status of ['completed', 'failed', 'cancelled'] as const) expect(pollIntervalMs({ status, etaMs: 1000 })).toBeUndefined();
  });

  it('is short while the task waits for input, so the first poll after tasks/update comes soon', () => {
    expect(pollIntervalMs({ status: 'input_required', etaMs: 3_600_000, idleMs: 600_000 })).toBe(inputMs);
  });

  it('follows the ETA: a quarter of the time left, within the bounds', () => {
    expect(pollIntervalMs({ status: 'working', etaMs: 20_000 })).toBe(5_000);
    expect(pollIntervalMs({ status: 'working', etaMs: 800 })).toBe(minMs);
    expect(pollIntervalMs({ status: 'working', etaMs: 3_600_000 })).toBe(maxMs);
  });

  it('without an ETA, starts at the base and backs off while the task stays still', () => {
    expect(pollIntervalMs({ status: 'working' })).toBe(baseMs);
    expect(pollIntervalMs({ status: 'working', idleMs: 40_000 })).toBe(baseMs + 10_000);
    expect(pollIntervalMs({ status: 'working', idleMs: 10 * 60_000 })).toBe(maxMs);
    expect(pollIntervalMs({ status: 'working', etaMs: Number.NaN, idleMs: -5 })).toBe(baseMs);
  });

  it('takes a policy of the server', () => {
    expect(pollIntervalMs({ status: 'working', etaMs: 10 }, { minMs: 50, maxMs: 100, baseMs: 60, inputMs: 70 })).toBe(50);
  });

  it('is a whole number within the bounds, later for a longer ETA and for a longer stall', () => {
    const facts = fc.record({ etaMs: fc.option(fc.double({ min: 0, max: 1e9, noNaN: true }), { nil: undefined }), idleMs: fc.option(fc.double({ min: 0, max: 1e9, noNaN: true }), { nil: undefined }) });
    fc.assert(
      fc.property(facts, fc.double({ min: 0, max: 1e6, noNaN: true }), (f, more) => {
        const ms = pollIntervalMs({ status: 'working', ...f })!;
        expect(Number.isInteger(ms) && ms >= minMs && ms <= maxMs).toBe(true);
        if (f.etaMs !== undefined) expect(pollIntervalMs({ status: 'working', ...f, etaMs: f.etaMs + more })!).toBeGreaterThanOrEqual(ms);
        else expect(pollIntervalMs({ status: 'working', ...f, idleMs: (f.idleMs ?? 0) + more })!).toBeGreaterThanOrEqual(ms);
      }),
    );
  });
});
