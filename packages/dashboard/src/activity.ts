import type { TaskStatus } from '@headway/core';

type Outcome = Extract<TaskStatus, 'completed' | 'failed' | 'cancelled'>;

/** Tasks started and finished in one bucket of time. */
export interface ThroughputBucket {
  /** Start of the bucket, epoch ms. */
  at: number;
  started: number;
  completed: number;
  failed: number;
  cancelled: number;
}

/** One finished task on the duration chart. */
export interface DurationPoint {
  at: number;
  kind: string;
  status: Outcome;
  ms: number;
  id: string;
}

/** Every task of a kind that finished in the window (exact, whatever was sampled for points). */
export interface KindDurations {
  kind: string;
  count: number;
  meanMs: number;
  minMs: number;
  maxMs: number;
  failed: number;
  cancelled: number;
}

export interface ActivityView {
  now: number;
  windowMs: number;
  bucketMs: number;
  /** Non-empty buckets, oldest first. */
  throughput: ThroughputBucket[];
  durations: {
    points: DurationPoint[];
    kinds: KindDurations[];
    /** True when some finished tasks are counted in `kinds` but left out of `points`. */
    sampled: boolean;
  };
}

export interface ActivityOptions {
  windowMs?: number;
  bucketMs?: number;
  /** Duration points kept over the window (per minute: this / minutes). */
  maxPoints?: number;
  /** Kinds told apart; more are counted as `other`. */
  maxKinds?: number;
  random?: () => number;
}

interface KindAggregate {
  count: number;
  sumMs: number;
  minMs: number;
  maxMs: number;
  failed: number;
  cancelled: number;
}

interface MinuteSlot {
  start: number;
  seen: number;
  points: DurationPoint[];
  kinds: Map<string, KindAggregate>;
}

const MINUTE = 60_000;
export const OTHER_KIND = 'other';

/**
 * The last hour of activity in fixed memory: tasks started and finished per bucket (a ring of
 * `windowMs / bucketMs` buckets), and finished tasks' durations per minute (exact per-kind sums and a
 * uniform sample of at most `maxPoints / 60` points each minute).
 */
export class Activity {
  readonly windowMs: number;
  readonly bucketMs: number;
  private readonly buckets: ThroughputBucket[];
  private readonly minutes: MinuteSlot[];
  private readonly perMinute: number;
  private readonly maxKinds: number;
  private readonly kinds = new Set<string>();
  private readonly random: () => number;

  constructor(options: ActivityOptions = {}) {
    this.windowMs = options.windowMs ?? 3_600_000;
    this.bucketMs = options.bucketMs ?? 10_000;
    this.maxKinds = options.maxKinds ?? 50;
    this.random = options.random ?? Math.random;
    const minutes = Math.ceil(this.windowMs / MINUTE) + 1;
    this.perMinute = Math.max(1, Math.floor((options.maxPoints ?? 3000) / minutes));
    this.buckets = Array.from({ length: Math.ceil(this.windowMs / this.bucketMs) + 1 }, () => ({ at: -1, started: 0, completed: 0, failed: 0, cancelled: 0 }));
    this.minutes = Array.from({ length: minutes }, () => ({ start: -1, seen: 0, points: [], kinds: new Map() }));
  }

  started(at: number): void {
    const bucket = this.bucket(at);
    if (bucket) bucket.started++;
  }

  finished(at: number, id: string, kind: string, status: Outcome, durationMs: number): void {
    const bucket = this.bucket(at);
    if (!bucket) return;
    bucket[status]++;
    const minute = this.minute(at);
    if (!minute) return;
    const label = this.kindLabel(kind);
    const ms = Math.max(0, durationMs);
    let agg = minute.kinds.get(label);
    if (!agg) minute.kinds.set(label, (agg = { count: 0, sumMs: 0, minMs: ms, maxMs: ms, failed: 0, cancelled: 0 }));
    agg.count++;
    agg.sumMs += ms;
    agg.minMs = Math.min(agg.minMs, ms);
    agg.maxMs = Math.max(agg.maxMs, ms);
    if (status !== 'completed') agg[status]++;
    // Reservoir sampling: every task of the minute has the same chance of being a point.
    const point: DurationPoint = { at, kind: label, status, ms, id };
    minute.seen++;
    if (minute.points.length < this.perMinute) minute.points.push(point);
    else {
      const j = Math.floor(this.random() * minute.seen);
      if (j < this.perMinute) minute.points[j] = point;
    }
  }

  view(now: number): ActivityView {
    const from = now - this.windowMs;
    const throughput = this.buckets
      .filter((b) => b.at >= from - this.bucketMs && b.at <= now && b.started + b.completed + b.failed + b.cancelled > 0)
      .sort((a, b) => a.at - b.at)
      .map((b) => ({ ...b }));
    const points: DurationPoint[] = [];
    const kinds = new Map<string, KindAggregate>();
    let sampled = false;
    for (const minute of this.minutes) {
      if (minute.start < from - MINUTE || minute.start > now) continue;
      for (const p of minute.points) if (p.at >= from) points.push(p);
      if (minute.seen > minute.points.length) sampled = true;
      for (const [kind, agg] of minute.kinds) {
        const total = kinds.get(kind);
        if (!total) kinds.set(kind, { ...agg });
        else {
          total.count += agg.count;
          total.sumMs += agg.sumMs;
          total.minMs = Math.min(total.minMs, agg.minMs);
          total.maxMs = Math.max(total.maxMs, agg.maxMs);
          total.failed += agg.failed;
          total.cancelled += agg.cancelled;
        }
      }
    }
    points.sort((a, b) => a.at - b.at);
    return {
      now,
      windowMs: this.windowMs,
      bucketMs: this.bucketMs,
      throughput,
      durations: {
        points,
        kinds: [...kinds]
          .map(([kind, a]) => ({ kind, count: a.count, meanMs: a.sumMs / a.count, minMs: a.minMs, maxMs: a.maxMs, failed: a.failed, cancelled: a.cancelled }))
          .sort((a, b) => b.count - a.count || a.kind.localeCompare(b.kind)),
        sampled,
      },
    };
  }

  /** The bucket for `at`, reset if it held an older period; undefined when `at` is out of the ring's reach. */
  private bucket(at: number): ThroughputBucket | undefined {
    if (!Number.isFinite(at)) return undefined;
    const start = Math.floor(at / this.bucketMs) * this.bucketMs;
    const slot = this.buckets[Math.floor(at / this.bucketMs) % this.buckets.length]!;
    if (slot.at === start) return slot;
    if (slot.at > start) return undefined; // older than what the ring holds now
    Object.assign(slot, { at: start, started: 0, completed: 0, failed: 0, cancelled: 0 });
    return slot;
  }

  private minute(at: number): MinuteSlot | undefined {
    const start = Math.floor(at / MINUTE) * MINUTE;
    const slot = this.minutes[Math.floor(at / MINUTE) % this.minutes.length]!;
    if (slot.start > start) return undefined;
    if (slot.start !== start) {
      slot.start = start;
      slot.seen = 0;
      slot.points = [];
      slot.kinds = new Map();
    }
    return slot;
  }

  private kindLabel(kind: string): string {
    if (this.kinds.has(kind)) return kind;
    if (this.kinds.size >= this.maxKinds) return OTHER_KIND;
    this.kinds.add(kind);
    return kind;
  }
}
