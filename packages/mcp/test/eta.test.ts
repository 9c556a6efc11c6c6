import { describe, expect, it } from 'vitest';
import { EtaEstimator } from '../src/eta.js';

describe('EtaEstimator', () => {
  it('says nothing before it has a rate', () => {
    const eta = new EtaEstimator();
    expect(eta.etaMs(0)).toBeUndefined();
    eta.observe(10, 0);
    expect(eta.etaMs(5_000)).toBeUndefined();
    eta.observe(10, 200);
    expect(eta.etaMs(300)).toBeUndefined(); // too short, and no progress
  });

  it('projects a steady rate: 1 % a second at 40 % is 60 s', () => {
    const eta = new EtaEstimator();
    for (let s = 0; s <= 30; s++) eta.observe(10 + s, s * 1000);
    expect(eta.etaMs(30_000)).toBeCloseTo(60_000, -2);
  });

  it('grows while the task stalls, instead of freezing', () => {
    const eta = new EtaEstimator();
    eta.observe(0, 0);
    eta.observe(50, 10_000);
    const atOnce = eta.etaMs(10_000)!;
    expect(atOnce).toBeCloseTo(10_000, -2);
    expect(eta.etaMs(20_000)!).toBeGreaterThan(atOnce);
  });

  it('follows the recent rate once the window slides', () => {
    const eta = new EtaEstimator({ windowMs: 10_000 });
    for (let s = 0; s <= 20; s++) eta.observe(s * 0.5, s * 1000); // slow start: 0.5 %/s
    for (let s = 21; s <= 40; s++) eta.observe(10 + (s - 20) * 2, s * 1000); // then 2 %/s, at 50 % by 40 s
    expect(eta.etaMs(40_000)).toBeCloseTo(25_000, -3);
  });

  it('is 0 at 100 %, and restarts when progress goes back (a retried attempt)', () => {
    const eta = new EtaEstimator();
    eta.observe(0, 0);
    eta.observe(100, 2_000);
    expect(eta.etaMs(2_000)).toBe(0);
    eta.observe(5, 3_000);
    expect(eta.etaMs(3_000)).toBeUndefined();
  });
});
