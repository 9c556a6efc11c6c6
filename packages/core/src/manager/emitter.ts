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

  /** Stamps the body (always a fresh object) in place and publishes it. */
  emit(subject: EventSubject, attempt: number, body: TaskEventBody): TaskEvent {
    const event = stamp(subject, attempt, body);
    this.hub.publish(event);
    this.relay?.publish(event);
    return event;
  }

  /** An event for the process that runs the task, not for sinks (an answer it should take). */
  relayOnly(subject: EventSubject, attempt: number, body: TaskEventBody): void {
    this.relay?.publish(stamp(subject, attempt, body));
  }
}

function stamp(subject: EventSubject, attempt: number, body: TaskEventBody): TaskEvent {
  const event = body as TaskEventBody & { -readonly [K in keyof TaskEvent]: TaskEvent[K] };
  event.taskId = subject.id;
  event.owner = subject.owner;
  event.kind = subject.kind;
  event.at = Date.now();
  event.attempt = attempt;
  return event as TaskEvent;
}
