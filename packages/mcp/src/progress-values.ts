/**
 * Turns Headway progress (0–100, may repeat on heartbeats) into values for
 * `notifications/progress`, which MUST strictly increase: a value that does not grow is
 * nudged a thousandth of the remaining way towards 100, so it grows but never reaches it.
 */
export class MonotonicProgress {
  private last = -Infinity;

  /** The value to send, or undefined when nothing larger is possible. */
  next(progress: number): number | undefined {
    let value = progress;
    if (!(value > this.last)) {
      const base = Math.max(this.last, 0);
      value = base + Math.max((100 - base) / 1000, 1e-9);
      if (!(value > this.last) || value >= 100) return undefined;
    }
    this.last = value;
    return value;
  }
}
