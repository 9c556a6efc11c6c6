import type { TaskEvent, TaskEventBody } from '../events.js';
import type { EventHub } from '../hub/event-hub.js';
import type { EventRelay } from '../relay/event-relay.js';

/** The task an event is about. */
export interface EventSubject {
  readonly id: string;
  readonly owner: string;
  readonly kind: string;
}

/** Stamps events with their task and time, and hands them to this process's sinks and the relay. */
export class Emitter {
  constructor(
    private readonly hub: EventHub,
    private readonly relay: EventRelay | undefined,
  ) {}

  /**
   * Stamps the body (always a fresh object) in place and publishes it. `at`: a `started` event
   * carries its record's `startedAt`, so a sink that counts starts from records up to some time and
   * from events after it (the dashboard) counts each once. (Terminal events keep the time they are
   * announced: the final progress goes out after the write that sets `finishedAt`.)
   */
  emit(subject: EventSubject, attempt: number, body: TaskEventBody, at = Date.now()): TaskEvent {
    const event = stamp(subject, attempt, body, at);
    this.hub.publish(event);
    this.relay?.publish(event);
    return event;
  }

  /** An event for the process that runs the task, not for sinks (an answer it should take). */
  relayOnly(subject: EventSubject, attempt: number, body: TaskEventBody): void {
    this.relay?.publish(stamp(subject, attempt, body, Date.now()));
  }
}

function stamp(subject: EventSubject, attempt: number, body: TaskEventBody, at: number): TaskEvent {
  const event = body as TaskEventBody & { -readonly [K in keyof TaskEvent]: TaskEvent[K] };
  event.taskId = subject.id;
  event.owner = subject.owner;
  event.kind = subject.kind;
  event.at = at;
  event.attempt = attempt;
  return event as TaskEvent;
}
