// Status lines for a phase over items: "Deleting subjects: 42/200, about 30 s left". They are what
// a task's progress message says, so every client and sink of the v1 binding shows phase, counts and
// ETA next to the overall percent it already shows. (The coming v2 binding of @headway/mcp composes
// such lines itself from the phase and its counts: a tool moved onto it should pass plain item
// messages instead.)

/** Counts items done in one phase and words its status line, with an ETA from the pace so far. */
export class ItemStatus {
  private readonly startedAt = Date.now();
  private readonly startDone: number;

  /** `done` items may be done already (a resumed task): the pace counts only those done here. */
  constructor(
    readonly phase: string,
    readonly total: number,
    private done = 0,
  ) {
    this.startDone = done;
  }

  /** Records `count` more items done and returns the new status line. */
  advance(count = 1): string {
    this.done += count;
    return this.line();
  }

  line(now = Date.now()): string {
    const eta = this.etaMs(now);
    return `${this.phase}: ${this.done}/${this.total}${eta === undefined ? '' : `, ${etaText(eta)}`}`;
  }

  private etaMs(now: number): number | undefined {
    const doneHere = this.done - this.startDone;
    const elapsed = now - this.startedAt;
    if (doneHere <= 0 || elapsed < 500) return undefined;
    return ((this.total - this.done) * elapsed) / doneHere;
  }
}

/** "a few seconds left", "about 40 s left", "about 3 min left", "about 2 h left" (@headway/mcp's wording). */
export function etaText(ms: number): string {
  const seconds = Math.max(0, ms) / 1000;
  if (seconds < 10) return 'a few seconds left';
  if (seconds < 60) return `about ${Math.round(seconds / 10) * 10} s left`;
  const minutes = seconds / 60;
  if (minutes < 90) return `about ${Math.round(minutes)} min left`;
  return `about ${Math.round(minutes / 60)} h left`;
}
