/** The smallest step on the wire: values are whole hundredths of a percent, without float noise (46.800000000000004). */
const STEP = 0.01;

/** The double nearest to a whole number of hundredths, which JSON writes with at most two decimals. */
const round = (value: number) => Math.round(value * 100) / 100;

/**
 * Turns Headway progress (0–100, may repeat on heartbeats) into values for
 * `notifications/progress`, which MUST strictly increase. Values are rounded to two decimals; one
 * that does not grow (a heartbeat, or a step smaller than the rounding) is nudged a thousandth of
 * the remaining way towards 100, at least one step, so it grows but never reaches 100 before the end.
 */
export class MonotonicProgress {
  private last = -Infinity;

  /** The value to send, or undefined when nothing larger is possible. */
  next(progress: number): number | undefined {
    // Only the end itself is 100: 99.996 stays below it.
    let value = progress >= 100 ? 100 : Math.min(round(Math.max(progress, 0)), 100 - STEP);
    if (!(value > this.last)) {
      const base = Math.max(this.last, 0);
      value = round(base + Math.max((100 - base) / 1000, STEP));
      if (!(value > this.last) || value >= 100) return undefined;
    }
    this.last = value;
    return value;
  }
}
