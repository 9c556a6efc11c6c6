import { InvalidArgumentError } from '../errors.js';
import { checkNonNegative, checkPercent, checkPositive } from '../validate.js';

export interface ProgressOptions {
  /** Emit only when overall progress grew by at least this many percent points. Default 1. */
  minPercentDelta?: number;
  /** Emit at most once per this many ms (milestones, phase changes and 100 excepted). Default 100. */
  minIntervalMs?: number;
  /** After this many ms without any event, a heartbeat progress event is sent. Default 10000; 0 disables. */
  heartbeatMs?: number;
  /** Always delivered as they are crossed. Default [25, 50, 75]. */
  milestones?: readonly number[];
}

export type ResolvedProgressOptions = Required<ProgressOptions>;

export const DEFAULT_PROGRESS_OPTIONS: ResolvedProgressOptions = Object.freeze({
  minPercentDelta: 1,
  minIntervalMs: 100,
  heartbeatMs: 10_000,
  milestones: Object.freeze([25, 50, 75]),
});

export function resolveProgressOptions(options: ProgressOptions | undefined): ResolvedProgressOptions {
  if (options === undefined) return DEFAULT_PROGRESS_OPTIONS;
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('progress options', options, 'an object');
  }
  const resolved = { ...DEFAULT_PROGRESS_OPTIONS, ...options };
  checkPositive('minPercentDelta', resolved.minPercentDelta);
  checkNonNegative('minIntervalMs', resolved.minIntervalMs);
  checkNonNegative('heartbeatMs', resolved.heartbeatMs);
  if (!Array.isArray(resolved.milestones)) {
    throw new InvalidArgumentError('milestones', resolved.milestones, 'an array of percentages');
  }
  resolved.milestones.forEach((m, i) => checkPercent(`milestones[${i}]`, m));
  resolved.milestones = Object.freeze([...resolved.milestones].sort((a, b) => a - b));
  return resolved;
}
