import type { LogLevel, TaskEvent } from './events.js';

export interface LifecycleLine {
  level: LogLevel;
  message: string;
  data?: Record<string, unknown>;
}

/**
 * The lifecycle log line for an event (creation, start, milestones, retries, the end), or
 * undefined for events that are not part of the lifecycle log. Every logging sink uses this, so
 * the wording and levels are the same in MCP logs, files and traces.
 */
export function lifecycleLine(event: TaskEvent): LifecycleLine | undefined {
  const name = `${event.kind} task ${event.taskId}`;
  switch (event.type) {
    case 'created':
      return { level: 'info', message: `Created ${name}`, data: { dependsOn: event.dependsOn, ttlMs: event.ttlMs } };
    case 'started':
      return {
        level: 'info',
        message: `Started ${name}${event.attempt > 1 ? ` (attempt ${event.attempt})` : ''}${event.resumed ? ' from its checkpoint' : ''}`,
        data: { queueWaitMs: event.queueWaitMs },
      };
    case 'milestone':
      return { level: 'info', message: `${name} reached ${event.milestone}%` };
    case 'retrying':
      return {
        level: 'warning',
        message: `${name} failed attempt ${event.attempt} (${event.error.message}); retrying in ${Math.round(event.delayMs)} ms`,
        data: { error: event.error, nextAttempt: event.nextAttempt },
      };
    case 'input':
      if (event.state === 'requested') return { level: 'notice', message: `${name} asks: ${event.request.message}`, data: { requestId: event.request.id } };
      return { level: 'info', message: `${name} ${event.state === 'answered' ? `got its answer (${event.response?.action ?? 'accept'})` : 'stopped waiting for an answer'}` };
    case 'status':
      return { level: 'notice', message: `${name} is ${event.status}${event.message ? `: ${event.message}` : ''}` };
    case 'completed':
      return { level: 'info', message: `Completed ${name} in ${Math.round(event.durationMs)} ms` };
    case 'failed':
      return { level: 'error', message: `Failed ${name}: ${event.error.message}`, data: { error: event.error } };
    case 'cancelled':
      return { level: 'warning', message: `Cancelled ${name}: ${event.reason}` };
    default:
      return undefined;
  }
}
