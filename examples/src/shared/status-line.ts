// Status lines for a phase over items: "Deleting subjects: 42/200 (21 %), about 30 s left". They
// are what a task's progress message says, so every client and sink shows phase, counts and ETA.

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
    const percent = this.total > 0 ? Math.floor((100 * this.done) / this.total) : 100;
    const counts = `${this.done}/${this.total} (${percent} %)`;
    const eta = this.etaMs(now);
    return `${this.phase}: ${counts}${eta === undefined ? '' : `, ${etaText(eta)}`}`;
  }

  private etaMs(now: number): number | undefined {
    const doneHere = this.done - this.startDone;
    const elapsed = now - this.startedAt;
    if (doneHere <= 0 || elapsed < 500) return undefined;
    return ((this.total - this.done) * elapsed) / doneHere;
  }
}

/** "a few seconds left", "about 40 s left", "about 3 min left", "about 2 h left". */
export function etaText(ms: number): string {
  const seconds = Math.max(0, ms) / 1000;
  if (seconds < 10) return 'a few seconds left';
  if (seconds < 60) return `about ${Math.round(seconds / 10) * 10} s left`;
  const minutes = seconds / 60;
  if (minutes < 90) return `about ${Math.round(minutes)} min left`;
  return `about ${Math.round(minutes / 60)} h left`;
}
