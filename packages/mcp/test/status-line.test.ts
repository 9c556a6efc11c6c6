import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { STATUS_LINE_MAX, etaText, statusLine } from '../src/status-line.js';

describe('statusLine', () => {
  it('says phase, counts, percent and time left in one line', () => {
    expect(statusLine({ phase: 'Deleting subjects', current: 42, total: 150, percent: 38.7, etaMs: 61_000 })).toBe('Deleting subjects: 42/150 (38 %), about 1 min left');
  });

  it('leaves out what it does not know', () => {
    expect(statusLine({ phase: 'Deleting subjects', percent: 38 })).toBe('Deleting subjects: 38 %');
    expect(statusLine({ phase: 'Deleting subjects', current: 42, total: 150 })).toBe('Deleting subjects: 42/150');
    expect(statusLine({ phase: 'Indexing', current: 42 })).toBe('Indexing: 42 done');
    expect(statusLine({ message: 'Fetching subjects from context' })).toBe('Fetching subjects from context');
    expect(statusLine({ percent: 12, etaMs: 5_000 })).toBe('12 %, a few seconds left');
    expect(statusLine({})).toBe('Working');
  });

  it('adds the latest message after the phase when it says something else', () => {
    expect(statusLine({ phase: 'Deleting subjects', message: 'orders-value', current: 3, total: 10, percent: 30 })).toBe('Deleting subjects – orders-value: 3/10 (30 %)');
    expect(statusLine({ phase: 'Deleting subjects', message: 'Deleting subjects', percent: 30 })).toBe('Deleting subjects: 30 %');
  });

  it('keeps figures sane: percent floored into 0–100, counts never above the total', () => {
    expect(statusLine({ phase: 'P', percent: 100.4 })).toBe('P: 100 %');
    expect(statusLine({ phase: 'P', percent: -3 })).toBe('P: 0 %');
    expect(statusLine({ phase: 'P', current: 12.9, total: 10 })).toBe('P: 10/10');
    expect(statusLine({ phase: 'P', percent: Number.NaN, etaMs: Number.POSITIVE_INFINITY })).toBe('P');
  });

  it('is one line of at most STATUS_LINE_MAX characters, the figures kept when the label is cut', () => {
    const line = statusLine({ phase: `Deleting\nsubjects ${'x'.repeat(400)}`, current: 1, total: 2, percent: 50, etaMs: 3_600_000 });
    expect(line.length).toBeLessThanOrEqual(STATUS_LINE_MAX);
    expect(line).not.toMatch(/\n/);
    expect(line.endsWith('…: 1/2 (50 %), about 60 min left')).toBe(true);
    fc.assert(
      fc.property(fc.record({ phase: fc.option(fc.string(), { nil: undefined }), message: fc.option(fc.string(), { nil: undefined }), percent: fc.option(fc.double(), { nil: undefined }), current: fc.option(fc.double(), { nil: undefined }), total: fc.option(fc.double(), { nil: undefined }), etaMs: fc.option(fc.double(), { nil: undefined }) }), (facts) => {
        const text = statusLine(facts);
        return text.length > 0 && text.length <= STATUS_LINE_MAX && !/[\r\n]/.test(text);
      }),
    );
  });
});

describe('etaText', () => {
  it('rounds to what a reader needs', () => {
    expect(etaText(0)).toBe('a few seconds left');
    expect(etaText(9_999)).toBe('a few seconds left');
    expect(etaText(44_000)).toBe('about 40 s left');
    expect(etaText(59_000)).toBe('about 60 s left');
    expect(etaText(61_000)).toBe('about 1 min left');
    expect(etaText(89 * 60_000)).toBe('about 89 min left');
    expect(etaText(150 * 60_000)).toBe('about 3 h left');
  });
});
