/** Where a phase sits in its parent's scale (0–100 of the parent). */
export interface PhaseOptions {
  /** Number of items; enables `updateItem` and `advance`. */
  total?: number;
  /**
   * Where the phase starts, in the enclosing scale (0–100); by default where progress stands. A
   * resumed task that opens its phase again with the same `from` (and `to`, `total`) keeps counts
   * and percent in step: `updateItem(i)` lands where it did before the restart.
   */
  from?: number;
  /** Where the phase ends, in the enclosing scale (0–100). */
  to?: number;
  /** How many points of the enclosing scale the phase spans, from where progress is now. */
  weight?: number;
}

export interface PlannedPhase {
  name: string;
  weight: number;
}

/** A range of the task's progress that reports in its own 0–100 scale: the task itself, or a phase. */
export interface ProgressScope {
  /** Sets progress within this scope (0–100 of its slot). Values below the current one are ignored. */
  update(percent: number, message?: string): void;
  /** Declares the phases to come with relative weights; a later `phase(name)` takes its share of what remains. */
  plan(phases: readonly PlannedPhase[]): void;
  /**
   * Opens a phase. End it with `await using` (or `using`), with `end()`, or pass `body` to have it
   * ended for you. A phase left by an error or an abort does not move progress to its end.
   */
  phase(name: string, options?: PhaseOptions): Phase;
  phase<R>(name: string, options: PhaseOptions | undefined, body: (phase: Phase) => Promise<R> | R): Promise<R>;
}

/** `ctx.progress`: one number 0–100 per task, never decreasing, ending at 100 on success. */
export interface Progress extends ProgressScope {
  /** Where progress stands now (it may be ahead of what was last delivered, which is throttled). */
  readonly value: number;
}

/** A slot of the task's progress; items done inside it move progress through the slot. */
export interface Phase extends ProgressScope, Disposable, AsyncDisposable {
  readonly name: string;
  /** Names of the enclosing phases, outermost first, then this one. */
  readonly path: readonly string[];
  readonly total: number | undefined;
  readonly itemsDone: number;
  /** The slot the phase occupies in the task's overall progress (0–100). */
  readonly from: number;
  readonly to: number;
  /** Marks item `index` (0-based, as from `entries()`) as done: `index + 1` items are complete. */
  updateItem(index: number, message?: string): void;
  /** Marks `count` more items as done. */
  advance(count?: number, message?: string): void;
  /** The phase succeeded: progress moves to the end of its slot. Idempotent. */
  end(): void;
}
