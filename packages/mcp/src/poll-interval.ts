// How often a client should poll `tasks/get` (`pollIntervalMs`): soon when the task will finish
// soon, later while it stalls or waits for a person, nothing once it has finished.
import type { ExtTaskStatus } from './ext-tasks-wire.js';

export interface PollPolicy {
  /** Never ask for polls more often than this. */
  minMs: number;
  /** Nor less often than this. */
  maxMs: number;
  /** Interval while nothing is known but that the task works (no ETA, just moved). */
  baseMs: number;
  /**
   * Interval while the task waits for input. Keep it short: ext-tasks waits this long after its
   * `tasks/update` before the next `tasks/get`, so it delays the first progress after the answer
   * (the client does not poll while its user thinks).
   */
  inputMs: number;
}

export const DEFAULT_POLL_POLICY: Readonly<PollPolicy> = Object.freeze({ minMs: 500, maxMs: 30_000, baseMs: 2_000, inputMs: 1_000 });

export interface PollFacts {
  status: ExtTaskStatus;
  /** Expected time to completion, when progress gives one. */
  etaMs?: number;
  /** Time since the task last changed: status, or progress, message or phase as far as this process saw them. */
  idleMs?: number;
}

/** The interval to advertise, in whole milliseconds; undefined for a finished task. */
export function pollIntervalMs(facts: PollFacts, policy: PollPolicy = DEFAULT_POLL_POLICY): number | undefined {
  switch (facts.status) {
    case 'completed':
    case 'failed':
    case 'cancelled':
      return undefined;
    case 'input_required':
      return clamp(policy.inputMs, policy);
    default:
  }
  // A quarter of the remaining time: about four polls before the end, the last one close to it.
  if (isDuration(facts.etaMs)) return clamp(facts.etaMs / 4, policy);
  // Without an ETA, back off as the task stays still.
  const idle = isDuration(facts.idleMs) ? facts.idleMs : 0;
  return clamp(policy.baseMs + idle / 4, policy);
}

function clamp(ms: number, policy: PollPolicy): number {
  return Math.round(Math.min(policy.maxMs, Math.max(policy.minMs, ms)));
}

function isDuration(value: number | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}
