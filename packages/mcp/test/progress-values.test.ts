import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';
import type { Progress } from '@modelcontextprotocol/sdk/types.js';
import { MonotonicProgress } from '../src/index.js';
import { httpPerTest } from './support/harness.js';

const http = httpPerTest();

const twoDecimals = (v: number) => Math.round(v * 100) / 100 === v;
const strictlyIncreasing = (values: number[]) => values.every((v, i) => i === 0 || v > values[i - 1]!);

describe('progress values on the wire (Streamable HTTP)', () => {
  it('are rounded to two decimals and still strictly increasing: phase arithmetic and heartbeat nudges', async () => {
    const client = await http.connect();
    // 10 + 80 * i / 30: thirds, which carry float noise before rounding.
    const phases: Progress[] = [];
    await client.callTool({ name: 'clear_context_batch', arguments: { context: 'c', subjects: 30, delayMs: 8 } }, CallToolResultSchema, {
      onprogress: (p) => phases.push(p),
    });
    const values = phases.map((p) => p.progress);
    expect(values.length).toBeGreaterThan(5);
    expect(values.filter((v) => !twoDecimals(v))).toEqual([]);
    expect(strictlyIncreasing(values)).toBe(true);
    expect(values.at(-1)).toBe(100);
    // A task that reports nothing: only heartbeats (every 300 ms here), each nudged upwards.
    const beats: Progress[] = [];
    const controller = new AbortController();
    const call = client
      .callTool({ name: 'until_cancelled', arguments: {} }, CallToolResultSchema, { onprogress: (p) => beats.push(p), signal: controller.signal })
      .catch(() => undefined);
    while (beats.length < 3) await new Promise((r) => setTimeout(r, 50));
    controller.abort('enough');
    await call;
    const nudged = beats.map((p) => p.progress);
    expect(nudged.filter((v) => !twoDecimals(v))).toEqual([]);
    expect(strictlyIncreasing(nudged)).toBe(true);
  });
});

describe('MonotonicProgress', () => {
  it('turns any sequence of 0–100 values into strictly increasing two-decimal values below 100, and 100 only for 100', () => {
    const value = fc.oneof(fc.double({ min: 0, max: 100, noNaN: true }), fc.integer({ min: 0, max: 100 }), fc.constant(99.996), fc.constant(99.99), fc.constant(46.800000000000004));
    fc.assert(
      fc.property(fc.array(value, { maxLength: 300 }), (inputs) => {
        const values = new MonotonicProgress();
        const sent: number[] = [];
        for (const input of inputs) {
          const ended = sent.at(-1) === 100;
          const out = values.next(input);
          if (out !== undefined) sent.push(out);
          if (out === 100 || (input === 100 && !ended)) expect([input, out]).toEqual([100, 100]);
        }
        expect(sent.filter((v) => !twoDecimals(v))).toEqual([]);
        expect(strictlyIncreasing(sent)).toBe(true);
        expect(sent.every((v) => v >= 0 && v <= 100)).toBe(true);
      }),
    );
  });
});
