import { InvalidArgumentError } from '../errors.js';
import { checkKnownKeys, checkNonNegative, checkPositive, checkPositiveInteger } from '../validate.js';

export interface RetryOptions {
  /** Attempts in all, including the first. Default 1 (no retry). */
  maxAttempts?: number;
  /** Delay before the first retry. Default 1000 ms. */
  initialDelayMs?: number;
  /** Growth per retry. Default 2. */
  factor?: number;
  /** Cap on one delay. Default 60000 ms. */
  maxDelayMs?: number;
  /** `full`: uniform in [0, delay]; `equal`: delay/2 + uniform in [0, delay/2]; `none`. Default `full`. */
  jitter?: 'full' | 'equal' | 'none';
}

export type ResolvedRetryOptions = Required<RetryOptions>;

export const DEFAULT_RETRY: ResolvedRetryOptions = Object.freeze({
  maxAttempts: 1,
  initialDelayMs: 1000,
  factor: 2,
  maxDelayMs: 60_000,
  jitter: 'full',
});

/**
 * Backoff between tries to start a task whose start a shared store could not take (away for a
 * moment): 50–100 ms, doubling, at most 2.5–5 s. Such tries use none of the task's attempts.
 */
export const START_BACKOFF: ResolvedRetryOptions = Object.freeze({
  maxAttempts: Infinity,
  initialDelayMs: 100,
  factor: 2,
  maxDelayMs: 5_000,
  jitter: 'equal',
});

const RETRY_KEYS: readonly (keyof RetryOptions)[] = ['maxAttempts', 'initialDelayMs', 'factor', 'maxDelayMs', 'jitter'];

export function resolveRetry(options: RetryOptions | undefined, base: ResolvedRetryOptions = DEFAULT_RETRY): ResolvedRetryOptions {
  if (options === undefined) return base;
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('retry', options, 'an object');
  checkKnownKeys('retry', options as Record<string, unknown>, RETRY_KEYS);
  const r = { ...base, ...options };
  checkPositiveInteger('retry.maxAttempts', r.maxAttempts);
  checkNonNegative('retry.initialDelayMs', r.initialDelayMs);
  checkPositive('retry.factor', r.factor);
  checkNonNegative('retry.maxDelayMs', r.maxDelayMs);
  if (!['full', 'equal', 'none'].includes(r.jitter)) throw new InvalidArgumentError('retry.jitter', r.jitter, 'full, equal or none');
  return r;
}

/** Exponential backoff with jitter before attempt `nextAttempt` (2 for the first retry). */
export function backoffDelay(policy: ResolvedRetryOptions, nextAttempt: number, random: () => number = Math.random): number {
  const exp = policy.initialDelayMs * policy.factor ** (nextAttempt - 2);
  const delay = Math.min(policy.maxDelayMs, exp);
  switch (policy.jitter) {
    case 'full':
      return random() * delay;
    case 'equal':
      return delay / 2 + (random() * delay) / 2;
    default:
      return delay;
  }
}

/** Whether a thrown error may be retried: not when it says so, by class or by `retryable: false`. */
export function isRetryable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return true;
  const e = error as { code?: unknown; retryable?: unknown };
  if (e.retryable === false) return false;
  return !['non_retryable', 'cancelled', 'dependency_failed', 'shutdown', 'invalid_argument'].includes(e.code as string);
}
