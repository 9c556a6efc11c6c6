import { isTerminal } from '@headway/core';
import type { PhaseEvent, ResourcesEvent, TaskEvent, TaskSnapshot as TaskRecord } from '@headway/core';
import type { LogLine } from './log-line.js';
import { clip } from './task-view.js';

/** One phase on a task's timeline. */
export interface PhaseSpan {
  name: string;
  /** Enclosing phases, outermost first, then this one. */
  path: string[];
  attempt: number;
  /** The slot of overall percent the phase fills. */
  from: number;
  to: number;
  total?: number;
  startedAt: number;
  endedAt?: number;
  /** Left by an error or an abort. */
  abandoned?: boolean;
}

/** One resource sample: cumulative CPU of the attempt, memory now. */
export interface ResourcePoint {
  at: number;
  attempt: number;
  cpuMs: number;
  wallMs: number;
  rssBytes: number;
  heapUsedBytes: number;
  eventLoopUtilization: number;
  /** Thread-wide figures (other tasks ran on the same thread). */
  shared: boolean;
}

/** When each attempt started and how it ended. */
export interface AttemptSpan {
  attempt: number;
  startedAt: number;
  endedAt?: number;
  /** `interrupted`: a new attempt started without this one ending (the process stopped). */
  outcome?: 'retrying' | 'interrupted' | 'completed' | 'failed' | 'cancelled';
}

/** A question asked (`ctx.elicit`), answered or withdrawn, for a marker on the timeline. */
export interface InputMark {
  at: number;
  state: 'requested' | 'answered' | 'withdrawn';
  /** With `answered`: accept, decline or cancel. */
  action?: string;
}

/** What the task view draws; every list is bounded (see `HISTORY_LIMITS`). */
export interface TaskHistoryView {
  /** `[at, percent]`, oldest first; thinned evenly when long. */
  progress: [number, number][];
  phases: PhaseSpan[];
  resources: ResourcePoint[];
  attempts: AttemptSpan[];
  inputs: InputMark[];
  log: LogLine[];
  /** Phases and log lines left out to stay within the limits (the oldest ones). */
  droppedPhases: number;
  droppedLog: number;
}

export const HISTORY_LIMITS = Object.freeze({ progress: 120, resources: 60, phases: 50, attempts: 20, inputs: 20, log: 50 });

/** Halves a series (keeping its first and last point) so it spans the same time with fewer points. */
function thin<T>(points: T[]): void {
  const last = points[points.length - 1]!;
  let j = 1;
  for (let i = 2; i < points.length - 1; i += 2) points[j++] = points[i]!;
  points[j++] = last;
  points.length = j;
}

/** A bounded record of one task's progress, phases, resources, attempts and log, for its own view. */
export class TaskHistory {
  private readonly progress: [number, number][] = [];
  private readonly phases: PhaseSpan[] = [];
  private readonly resources: ResourcePoint[] = [];
  private readonly attempts: AttemptSpan[] = [];
  private readonly inputs: InputMark[] = [];
  private readonly log: LogLine[] = [];
  private droppedPhases = 0;
  private droppedLog = 0;

  /** What a stored record tells of a task the dashboard did not see run (created before it). */
  static fromRecord(record: TaskRecord): TaskHistory {
    const history = new TaskHistory();
    history.addProgress(record.createdAt, 0);
    if (record.startedAt !== undefined) {
      const attempt: AttemptSpan = { attempt: record.attempt, startedAt: record.startedAt };
      if (record.finishedAt !== undefined && isTerminal(record.status)) {
        attempt.endedAt = record.finishedAt;
        attempt.outcome = record.status;
      }
      history.attempts.push(attempt);
    }
    const last = record.finishedAt ?? record.startedAt;
    if (last !== undefined && record.progress > 0) history.addProgress(last, record.progress);
    return history;
  }

  /** Applies an event (and the log line it made, if any). */
  apply(event: TaskEvent, line: LogLine | undefined): void {
    if (line) this.addLog(line);
    switch (event.type) {
      case 'created':
        this.addProgress(event.at, 0);
        break;
      case 'started':
        this.endAttempt(event.at, 'interrupted');
        this.closePhases(event.at, true);
        if (this.attempts.length >= HISTORY_LIMITS.attempts) this.attempts.shift();
        this.attempts.push({ attempt: event.attempt, startedAt: event.at });
        break;
      case 'progress':
      case 'milestone':
        this.addProgress(event.at, event.progress);
        break;
      case 'phase':
        this.addProgress(event.at, event.progress);
        this.phase(event);
        break;
      case 'resources':
        this.addResources(event);
        break;
      case 'input':
        if (this.inputs.length >= HISTORY_LIMITS.inputs) this.inputs.shift();
        this.inputs.push({ at: event.at, state: event.state, ...(event.response && { action: event.response.action }) });
        break;
      case 'retrying':
        this.endAttempt(event.at, 'retrying');
        this.closePhases(event.at, true);
        break;
      case 'completed':
        this.addProgress(event.at, 100);
        this.finish(event.at, 'completed');
        break;
      case 'failed':
      case 'cancelled':
        this.addProgress(event.at, event.progress);
        this.finish(event.at, event.type);
        break;
      default:
        break;
    }
  }

  view(): TaskHistoryView {
    return {
      progress: this.progress.slice(),
      phases: this.phases.map((p) => ({ ...p })),
      resources: this.resources.slice(),
      attempts: this.attempts.map((a) => ({ ...a })),
      inputs: this.inputs.slice(),
      log: this.log.slice(),
      droppedPhases: this.droppedPhases,
      droppedLog: this.droppedLog,
    };
  }

  private addProgress(at: number, percent: number): void {
    const last = this.progress[this.progress.length - 1];
    if (last && percent < last[1]) percent = last[1];
    if (last && last[1] === percent && this.progress.length > 1 && this.progress[this.progress.length - 2]![1] === percent) {
      last[0] = at; // a flat stretch needs only its two ends
      return;
    }
    this.progress.push([at, percent]);
    if (this.progress.length > HISTORY_LIMITS.progress) thin(this.progress);
  }

  private addResources(event: ResourcesEvent): void {
    this.resources.push({
      at: event.at,
      attempt: event.attempt,
      cpuMs: event.cpuUserMs + event.cpuSystemMs,
      wallMs: event.wallMs,
      rssBytes: event.rssBytes,
      heapUsedBytes: event.heapUsedBytes,
      eventLoopUtilization: event.eventLoopUtilization,
      shared: event.shared,
    });
    if (this.resources.length > HISTORY_LIMITS.resources) thin(this.resources);
  }

  private phase(event: PhaseEvent): void {
    const key = event.path.join('\u0000');
    if (event.state === 'started') {
      if (this.phases.length >= HISTORY_LIMITS.phases) this.dropPhase();
      this.phases.push({
        name: clip(event.name, 200),
        path: event.path.map((p) => clip(p, 200)),
        attempt: event.attempt,
        from: event.from,
        to: event.to,
        ...(event.total !== undefined && { total: event.total }),
        startedAt: event.at,
      });
      return;
    }
    for (let i = this.phases.length - 1; i >= 0; i--) {
      const span = this.phases[i]!;
      if (span.endedAt === undefined && span.attempt === event.attempt && span.path.join('\u0000') === key) {
        span.endedAt = event.at;
        if (event.abandoned) span.abandoned = true;
        return;
      }
    }
  }

  /** Drops the oldest ended phase (open ones enclose what is running), else the oldest. */
  private dropPhase(): void {
    const i = this.phases.findIndex((p) => p.endedAt !== undefined);
    this.phases.splice(i >= 0 ? i : 0, 1);
    this.droppedPhases++;
  }

  /** Phases still open when an attempt ends end with it (left behind, unless it succeeded). */
  private closePhases(at: number, abandoned: boolean): void {
    for (const span of this.phases) {
      if (span.endedAt !== undefined) continue;
      span.endedAt = at;
      if (abandoned) span.abandoned = true;
    }
  }

  private endAttempt(at: number, outcome: AttemptSpan['outcome']): void {
    const current = this.attempts[this.attempts.length - 1];
    if (current && current.endedAt === undefined) {
      current.endedAt = at;
      current.outcome = outcome;
    }
  }

  private finish(at: number, outcome: 'completed' | 'failed' | 'cancelled'): void {
    this.endAttempt(at, outcome);
    this.closePhases(at, outcome !== 'completed');
  }

  private addLog(line: LogLine): void {
    if (this.log.length >= HISTORY_LIMITS.log) {
      this.log.shift();
      this.droppedLog++;
    }
    this.log.push(line);
  }
}
