import type { TaskEvent } from '../events.js';

/** The counters a queue adds to, in its reporter's statistics. */
export interface QueueCounters {
  coalesced: number;
  dropped: number;
  folded: number;
}

// Holes (delivered, folded) allowed beyond twice the live events before the array is compacted.
const HOLE_SLACK = 64;

/**
 * The events waiting for one reporter, in the order they were published.
 *
 * A progress event takes the place of its task's queued progress event when nothing else of that
 * task was queued after it, so a task holds one progress event per stretch between its other
 * events whatever its update rate, and that event stays in its place among them. Up to `maxQueue`
 * events that is all there is: pushing and taking are an array push and an index step, the path of
 * every reporter that keeps up.
 *
 * Past `maxQueue` the queue is under pressure until it empties again:
 * - progress is still coalesced and never dropped, so the latest progress of every task arrives,
 *   after the task's earlier events and before its terminal event;
 * - `created` and terminal events are always queued; a task's `created` is folded (left out, counted)
 *   when its terminal event arrives while `maxQueue` events other than progress wait;
 * - other events (logs, phases, milestones, status…) are not queued while `maxQueue` events other
 *   than progress wait (counted as dropped), so what was queued is never cut out of a task's order.
 * It then holds at most `maxQueue` of those other events, one `created` per task in flight, one
 * terminal event per finished task not yet delivered, and one progress event per task and per other
 * event queued.
 */
export class EventQueue {
  private slots: (TaskEvent | undefined)[] = [];
  private head = 0;
  /** Events queued and not yet taken or folded (the slots may hold holes). */
  private live = 0;
  /** Per task, the slot of its progress event while nothing else of the task was queued after it. */
  private readonly latestProgress = new Map<string, number>();
  private pressure = false;
  /** Under pressure: queued events other than progress. */
  private others = 0;
  /** Under pressure: per task, the slot of its queued `created` event. */
  private readonly createdAt = new Map<string, number>();

  constructor(
    private readonly maxQueue: number,
    private readonly counters: QueueCounters,
  ) {}

  get size(): number {
    return this.live;
  }

  push(event: TaskEvent): void {
    if (this.pressure) {
      this.pushUnderPressure(event);
      return;
    }
    if (event.type === 'progress') {
      if (this.coalesce(event)) return;
    } else if (this.latestProgress.size > 0) {
      // Later progress must not jump ahead of this event.
      this.latestProgress.delete(event.taskId);
    }
    this.slots.push(event);
    if (++this.live > this.maxQueue) this.enterPressure();
  }

  /** The next event to deliver, or undefined when none is left (the queue then starts afresh). */
  shift(): TaskEvent | undefined {
    const slots = this.slots;
    while (this.head < slots.length) {
      const index = this.head++;
      const event = slots[index];
      if (event === undefined) continue;
      slots[index] = undefined;
      this.live--;
      if (event.type === 'progress') {
        if (this.latestProgress.get(event.taskId) === index) this.latestProgress.delete(event.taskId);
      } else if (this.pressure) {
        this.others--;
        if (event.type === 'created' && this.createdAt.get(event.taskId) === index) this.createdAt.delete(event.taskId);
      }
      return event;
    }
    this.reset();
    return undefined;
  }

  /**
   * Gives back the slots already taken, when they are many: for a delivery that waits on the
   * reporter, while new events may keep arriving. (A loop that delivers everything at once needs
   * none of it: the queue starts afresh when it empties.)
   */
  trim(): void {
    if (this.head > 1024 && this.head * 2 > this.slots.length) this.compact();
  }

  /** Drops everything queued; returns how many events that was. */
  clear(): number {
    const dropped = this.live;
    this.reset();
    return dropped;
  }

  /** Replaces the task's queued progress event, if nothing else of the task came after it. */
  private coalesce(event: TaskEvent): boolean {
    const at = this.latestProgress.get(event.taskId);
    if (at !== undefined) {
      this.slots[at] = event;
      this.counters.coalesced++;
      return true;
    }
    this.latestProgress.set(event.taskId, this.slots.length);
    return false;
  }

  private pushUnderPressure(event: TaskEvent): void {
    const taskId = event.taskId;
    switch (event.type) {
      case 'progress':
        if (this.coalesce(event)) return;
        this.slots.push(event);
        this.live++;
        return;
      case 'created':
        this.createdAt.set(taskId, this.slots.length);
        break;
      case 'completed':
      case 'failed':
      case 'cancelled':
        if (this.others >= this.maxQueue) this.fold(taskId);
        break;
      default:
        if (this.others >= this.maxQueue) {
          this.counters.dropped++;
          return;
        }
    }
    this.latestProgress.delete(taskId);
    this.slots.push(event);
    this.live++;
    this.others++;
  }

  /** Leaves out the task's queued `created` event: its terminal event is about to be queued. */
  private fold(taskId: string): void {
    const at = this.createdAt.get(taskId);
    if (at === undefined) return;
    this.createdAt.delete(taskId);
    this.slots[at] = undefined;
    this.live--;
    this.others--;
    this.counters.folded++;
    this.counters.dropped++;
    if (this.slots.length - this.head > 2 * this.live + HOLE_SLACK) this.compact();
  }

  /** Counts what is queued, once per pressure episode (the episode ends when the queue empties). */
  private enterPressure(): void {
    this.pressure = true;
    this.others = 0;
    this.createdAt.clear();
    for (let i = this.head; i < this.slots.length; i++) {
      const event = this.slots[i];
      if (event === undefined || event.type === 'progress') continue;
      this.others++;
      if (event.type === 'created') this.createdAt.set(event.taskId, i);
    }
  }

  /** Removes taken slots and holes; the slots the maps point at are recomputed. */
  private compact(): void {
    const kept: TaskEvent[] = [];
    this.latestProgress.clear();
    this.createdAt.clear();
    for (let i = this.head; i < this.slots.length; i++) {
      const event = this.slots[i];
      if (event === undefined) continue;
      if (event.type === 'progress') this.latestProgress.set(event.taskId, kept.length);
      else {
        this.latestProgress.delete(event.taskId);
        if (this.pressure && event.type === 'created') this.createdAt.set(event.taskId, kept.length);
      }
      kept.push(event);
    }
    this.slots = kept;
    this.head = 0;
  }

  private reset(): void {
    this.slots = [];
    this.head = 0;
    this.live = 0;
    this.latestProgress.clear();
    if (this.pressure) {
      this.pressure = false;
      this.others = 0;
      this.createdAt.clear();
    }
  }
}
