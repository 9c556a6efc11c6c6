import type { ProgressEventBody } from '../src/compat.js';
import type { Reporter, TaskEvent } from '../src/index.js';

/** A reporter that keeps every event it is given. */
export function recorder(name = 'recorder'): Reporter & { events: TaskEvent[]; of(type: TaskEvent['type'], taskId?: string): TaskEvent[] } {
  const events: TaskEvent[] = [];
  return {
    name,
    events,
    onEvent(event) {
      events.push(event);
    },
    of(type, taskId) {
      return events.filter((e) => e.type === type && (taskId === undefined || e.taskId === taskId));
    },
  };
}

/** Collects what a ProgressReporter emits. */
export function progressSink(): { emit: (b: ProgressEventBody) => void; bodies: ProgressEventBody[]; values(): number[] } {
  const bodies: ProgressEventBody[] = [];
  return {
    bodies,
    emit: (b) => bodies.push(b),
    values: () => bodies.filter((b) => b.type === 'progress').map((b) => (b as { progress: number }).progress),
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls until `check` returns truthy or the time is up. */
export async function until<T>(check: () => T | Promise<T>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(5);
  }
}
