/** `rate` (points per second) and `etaMs` of a progress value, measured from where an attempt started. */
export function progressRate(progress: number, startValue: number, startedAt: number, now: number): { rate: number; etaMs?: number } {
  const elapsedS = (now - startedAt) / 1000;
  const rate = elapsedS > 0 ? Math.max(0, progress - startValue) / elapsedS : 0;
  if (progress >= 100) return { rate, etaMs: 0 };
  if (rate > 0) return { rate, etaMs: ((100 - progress) / rate) * 1000 };
  return { rate };
}
