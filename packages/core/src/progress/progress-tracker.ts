import { performance } from 'node:perf_hooks';
import { InvalidArgumentError } from '../errors.js';
import type { MilestoneEvent, PhaseEvent, ProgressEvent, TaskEventBody } from '../events.js';
import { checkNonEmptyString, checkNonNegative, checkPercent, checkPositive } from '../validate.js';
import type { Phase, PhaseOptions, PlannedPhase, Progress, ProgressScope } from './progress.js';
import { DEFAULT_PROGRESS_OPTIONS } from './progress-options.js';
import type { ResolvedProgressOptions } from './progress-options.js';
import { progressRate } from './progress-rate.js';

export type ProgressEventBody = TaskEventBody<ProgressEvent> | TaskEventBody<PhaseEvent> | TaskEventBody<MilestoneEvent>;

/**
 * A range of the overall progress: the whole task (the tracker) or a phase within it.
 * Every value given to a scope is in its own 0–100 scale and mapped into its slot.
 */
abstract class Scope implements ProgressScope {
  protected plannedSlots?: Map<string, { from: number; to: number }>;
  protected readonly root: ProgressTracker;

  protected constructor(
    root: ProgressTracker | undefined,
    /** Slot in overall percent. */
    readonly from: number,
    readonly to: number,
  ) {
    this.root = root ?? (this as unknown as ProgressTracker);
  }

  update(percent: number, message?: string): void {
    checkPercent('percent', percent);
    this.root.set(this.from + percent * ((this.to - this.from) / 100), message);
  }

  plan(phases: readonly PlannedPhase[]): void {
    if (!Array.isArray(phases) || phases.length === 0) {
      throw new InvalidArgumentError('phases', phases, 'a non-empty array of { name, weight }');
    }
    phases.forEach((p, i) => {
      checkNonEmptyString(`phases[${i}].name`, p?.name);
      checkPositive(`phases[${i}].weight`, p.weight);
    });
    this.root.settleFloor();
    const start = this.localPosition();
    const sum = phases.reduce((s, p) => s + p.weight, 0);
    const slots = new Map<string, { from: number; to: number }>();
    let at = start;
    for (const p of phases) {
      const next = at + ((100 - start) * p.weight) / sum;
      slots.set(p.name, { from: at, to: next });
      at = next;
    }
    this.plannedSlots = slots;
  }

  phase(name: string, options?: PhaseOptions): Phase;
  phase<R>(name: string, options: PhaseOptions | undefined, body: (phase: Phase) => Promise<R> | R): Promise<R>;
  phase<R>(name: string, options: PhaseOptions = {}, body?: (phase: Phase) => Promise<R> | R): Phase | Promise<R> {
    checkNonEmptyString('phase name', name);
    if (typeof options !== 'object' || options === null) {
      throw new InvalidArgumentError('phase options', options, 'an object with total, from, to or weight');
    }
    const { total, from, to, weight } = options;
    if (total !== undefined) checkPositive('total', total);
    if (from !== undefined) checkPercent('from', from);
    if (to !== undefined) checkPercent('to', to);
    if (from !== undefined && to !== undefined && from > to) {
      throw new InvalidArgumentError('phase options', options, '`from` at most `to`');
    }
    if (weight !== undefined) checkNonNegative('weight', weight);
    if (to !== undefined && weight !== undefined) {
      throw new InvalidArgumentError('phase options', options, 'either `to` or `weight`, not both');
    }
    if (body !== undefined && typeof body !== 'function') throw new InvalidArgumentError('phase body', body, 'a function');
    this.root.settleFloor();
    const start = from ?? this.localPosition();
    const planned = this.plannedSlots?.get(name);
    let end = to ?? (weight !== undefined ? start + weight : planned ? planned.to : 100);
    end = Math.min(100, Math.max(start, end));
    const span = this.to - this.from;
    const phase = new PhaseScope(this.root, this, name, this.from + (start / 100) * span, this.from + (end / 100) * span, total);
    this.root.phaseStarted(phase);
    if (!body) return phase;
    return (async () => {
      let result: R;
      try {
        result = await body(phase);
      } catch (error) {
        phase.abandon();
        throw error;
      }
      phase.end();
      return result;
    })();
  }

  /** Where overall progress stands, in this scope's 0–100 scale. */
  protected localPosition(): number {
    const span = this.to - this.from;
    if (span <= 0) return 100;
    return Math.min(100, Math.max(0, ((this.root.value - this.from) / span) * 100));
  }
}

/** A phase of a task's progress. */
class PhaseScope extends Scope implements Phase {
  readonly name: string;
  readonly parent: Scope;
  readonly total: number | undefined;
  private done = 0;
  private readonly unit: number;
  private ended = false;

  constructor(root: ProgressTracker, parent: Scope, name: string, from: number, to: number, total?: number) {
    super(root, from, to);
    this.name = name;
    this.parent = parent;
    this.total = total;
    this.unit = total === undefined ? 0 : (to - from) / total;
  }

  updateItem(index: number, message?: string): void {
    const total = this.total;
    if (total === undefined) throw this.noTotal('updateItem');
    if (!(index >= 0 && index < total)) {
      throw new InvalidArgumentError('index', index, `an item index from 0 to ${total - 1}`);
    }
    const done = index + 1;
    if (done > this.done) this.done = done;
    this.root.set(this.from + this.done * this.unit, message);
  }

  advance(count = 1, message?: string): void {
    const total = this.total;
    if (total === undefined) throw this.noTotal('advance');
    if (!(count >= 0 && count !== Infinity)) {
      throw new InvalidArgumentError('count', count, 'a finite number of 0 or more');
    }
    this.done = Math.min(total, this.done + count);
    this.root.set(this.from + this.done * this.unit, message);
  }

  get itemsDone(): number {
    return this.done;
  }

  get path(): string[] {
    return this.parent instanceof PhaseScope ? [...this.parent.path, this.name] : [this.name];
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.root.phaseEnded(this, 'completed');
  }

  /** Left by an error: progress stays where it is. */
  abandon(): void {
    if (this.ended) return;
    this.ended = true;
    this.root.phaseEnded(this, 'abandoned');
  }

  // `using` cannot tell success from an error in flight, so the slot's end is applied only by the
  // next move of the task's progress (a later update or phase, or success); a failure never moves it.
  [Symbol.dispose](): void {
    if (this.ended) return;
    this.ended = true;
    this.root.phaseEnded(this, 'disposed');
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this[Symbol.dispose]();
  }

  private noTotal(method: string): InvalidArgumentError {
    return new InvalidArgumentError(`${method}() on phase "${this.name}"`, undefined, 'a phase opened with `total`');
  }
}

/**
 * The progress of one task attempt, 0–100, monotonic, throttled.
 *
 * The hot path (`update`, `updateItem`, `advance`) compares the new value with one precomputed
 * trigger and returns; the clock is read only when the trigger is crossed. Delivery goes to
 * `emit`, which the attempt stamps and hands to the hub asynchronously.
 */
export class ProgressTracker extends Scope implements Progress {
  // Numeric fields start as numbers so V8 stores them unboxed: `value` is written on every
  // hot-path call, and a field first defined as undefined would box each write.
  /** Current overall value (may be ahead of what was emitted). */
  value = 0;
  private emitted = 0;
  private emittedMessage: string | undefined;
  private message: string | undefined;
  private trigger = 0;
  private milestoneIndex = 0;
  private lastEmitAt = -Infinity;
  /** The end of a phase disposed without `end()`, applied by the next move (see `PhaseScope`). */
  private floor = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private current: PhaseScope | undefined;
  private readonly startedAt: number;
  private readonly startValue: number;
  private closed = false;

  constructor(
    private readonly emit: (body: ProgressEventBody) => void,
    private readonly options: ResolvedProgressOptions = DEFAULT_PROGRESS_OPTIONS,
    start = 0,
    startedAt = performance.now(),
  ) {
    super(undefined, 0, 100);
    this.value = this.emitted = this.startValue = start;
    this.startedAt = startedAt;
    this.skipMilestonesUpTo(start);
    this.retarget();
  }

  /** The single funnel of every value change. */
  set(overall: number, message: string | undefined): void {
    if (this.closed) return;
    if (this.floor > this.value) this.value = this.floor;
    if (overall > this.value) this.value = overall > 100 ? 100 : overall;
    if (message !== undefined && message !== this.message) {
      this.message = message;
      // A new message alone is delivered with the next emit, or when the interval passes.
      if (this.value < this.trigger && !this.timer) this.scheduleEmit(performance.now());
    }
    if (this.value >= this.trigger) this.crossed();
  }

  /** Applies the end of a disposed phase before a new phase or plan measures where progress is. */
  settleFloor(): void {
    if (this.floor > this.value && !this.closed) this.set(this.floor, undefined);
  }

  phaseStarted(phase: PhaseScope): void {
    this.current = phase;
    // A message belongs to the phase that set it.
    this.message = undefined;
    this.emitPhase(phase, 'started', false);
  }

  phaseEnded(phase: PhaseScope, how: 'completed' | 'abandoned' | 'disposed'): void {
    if (this.closed) return;
    if (how === 'completed' && phase.to > this.value) this.value = phase.to;
    if (how === 'disposed' && phase.to > this.floor) this.floor = phase.to;
    this.current = phase.parent instanceof PhaseScope ? phase.parent : undefined;
    this.message = undefined;
    this.emitPhase(phase, 'ended', how === 'abandoned');
    if (this.value > this.emitted || this.message !== this.emittedMessage) this.emitNow();
  }

  /** The task succeeded: progress goes to 100, delivered at once. No further events. */
  complete(): void {
    if (this.closed) return;
    this.value = 100;
    if (this.emitted < 100) this.emitNow();
    this.close();
  }

  /** A keep-alive after a silence: the last delivered value again, marked as a heartbeat. */
  heartbeat(): void {
    if (this.closed) return;
    this.emit({ type: 'progress', ...this.body(this.emitted, performance.now()), heartbeat: true });
  }

  /** Stops any pending delivery; later updates are ignored. */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  get currentPhase(): Phase | undefined {
    return this.current;
  }

  get lastMessage(): string | undefined {
    return this.message;
  }

  /** The value last delivered. */
  get lastEmitted(): number {
    return this.emitted;
  }

  private crossed(): void {
    const milestones = this.options.milestones;
    const milestone = milestones[this.milestoneIndex];
    if (milestone !== undefined && this.value >= milestone) {
      this.emitNow();
      return;
    }
    const now = performance.now();
    if (now - this.lastEmitAt >= this.options.minIntervalMs) {
      this.emitNow(now);
      return;
    }
    // Too soon: deliver the latest value when the interval has passed; until then only a
    // milestone triggers, so the hot path stops reading the clock.
    this.trigger = this.options.milestones[this.milestoneIndex] ?? Infinity;
    if (!this.timer) this.scheduleEmit(now);
  }

  private scheduleEmit(now: number): void {
    const wait = Math.max(0, this.options.minIntervalMs - (now - this.lastEmitAt));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.value > this.emitted || this.message !== this.emittedMessage) this.emitNow();
      else this.retarget();
    }, wait);
    // Housekeeping: delivery of a value the task already reached; the task's own work keeps Node alive.
    this.timer.unref?.();
  }

  private emitNow(now = performance.now()): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const progress = this.value;
    const milestones = this.options.milestones;
    while (this.milestoneIndex < milestones.length && milestones[this.milestoneIndex]! <= progress) {
      this.emit({ type: 'milestone', milestone: milestones[this.milestoneIndex]!, progress });
      this.milestoneIndex++;
    }
    this.emitted = progress;
    this.emittedMessage = this.message;
    this.lastEmitAt = now;
    this.retarget();
    this.emit({ type: 'progress', ...this.body(progress, now) });
  }

  private body(progress: number, now: number): Omit<TaskEventBody<ProgressEvent>, 'type'> {
    return {
      progress,
      ...(this.message !== undefined && { message: this.message }),
      ...(this.current && { phase: this.current.name }),
      ...progressRate(progress, this.startValue, this.startedAt, now),
    };
  }

  private emitPhase(phase: PhaseScope, state: 'started' | 'ended', abandoned: boolean): void {
    this.emit({
      type: 'phase',
      name: phase.name,
      state,
      ...(abandoned && { abandoned }),
      path: phase.path,
      progress: this.value,
      from: phase.from,
      to: phase.to,
      ...(phase.total !== undefined && { total: phase.total }),
    });
  }

  private retarget(): void {
    const next = this.emitted >= 100 ? Infinity : Math.min(100, this.emitted + this.options.minPercentDelta);
    const milestone = this.options.milestones[this.milestoneIndex] ?? Infinity;
    this.trigger = Math.min(next, milestone);
  }

  private skipMilestonesUpTo(value: number): void {
    const milestones = this.options.milestones;
    while (this.milestoneIndex < milestones.length && milestones[this.milestoneIndex]! <= value) this.milestoneIndex++;
  }
}
