import type { ResolvedRetryOptions } from '../manager/retry-policy.js';
import type { Queueable } from './run-queue.js';

/**
 * Where a task held by the in-process scheduler is:
 * `held` (no function for its kind yet), `waiting` (for dependencies), `delayed` (a retry's backoff),
 * `queued` (for a slot), `running`, `done`.
 */
export type Stage = 'held' | 'waiting' | 'delayed' | 'queued' | 'running' | 'done';

const BIT: Record<Stage, number> = { held: 1, waiting: 2, delayed: 4, queued: 8, running: 16, done: 32 };
const LEGAL: Record<Stage, number> = {
  held: BIT.waiting | BIT.delayed | BIT.queued | BIT.done,
  waiting: BIT.delayed | BIT.queued | BIT.done,
  delayed: BIT.queued | BIT.done,
  queued: BIT.running | BIT.done,
  running: BIT.delayed | BIT.done,
  done: 0,
};

/** The scheduler's state of one task it holds. The stage changes only through `moveTo`. */
export class LiveTask implements Queueable {
  queued = false;
  stage: Stage = 'held';
  timer: ReturnType<typeof setTimeout> | undefined = undefined;
  /** Dependencies not finished yet, while `waiting`. */
  pending: Set<string> | undefined = undefined;

  constructor(
    readonly id: string,
    readonly kind: string,
    readonly seq: number,
    readonly dependsOn: readonly string[],
    readonly runOnDependencyFailure: boolean,
    readonly retry: ResolvedRetryOptions,
  ) {}

  moveTo(stage: Stage): void {
    if ((LEGAL[this.stage] & BIT[stage]) === 0) {
      throw new Error(`Headway scheduler bug: task ${this.id} cannot move from ${this.stage} to ${stage}`);
    }
    this.stage = stage;
  }
}
