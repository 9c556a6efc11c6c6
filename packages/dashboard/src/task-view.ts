import type { TaskEvent, TaskSnapshot as TaskRecord, TaskStatus } from '@headway/core';
import { inputView } from './input-view.js';
import type { InputView } from './input-view.js';
import type { OwnerLabel } from './owner-label.js';

/** What the dashboard shows of one task: its record's public fields plus live progress details. */
export interface TaskView {
  id: string;
  owner: string;
  /** The owner as the page shows it (dashboard option `ownerLabel`). */
  ownerLabel: string;
  kind: string;
  status: TaskStatus;
  /** Overall progress 0–100. */
  progress: number;
  /** Last progress or status message. */
  message?: string;
  /** Innermost open phase. */
  phase?: string;
  /** Percent points per second. */
  rate?: number;
  etaMs?: number;
  attempt: number;
  maxAttempts?: number;
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  error?: { name: string; message: string; code?: string };
  /** Set while a retry is pending. */
  nextAttemptAt?: number;
  /** Epoch ms of the last change seen. */
  updatedAt: number;
  /** Tasks this one waits for (at most 100 ids). */
  dependsOn?: string[];
  /** The question the task waits on while `input_required`. */
  input?: InputView;
}

const MAX_DEPENDENCIES = 100;

const MAX_TEXT = 500;

export function clip(text: string, max = MAX_TEXT): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A view of a stored record; input, result and checkpoint stay on the server. */
export function viewFromRecord(record: TaskRecord, label: OwnerLabel): TaskView {
  const view: TaskView = {
    id: record.id,
    owner: record.owner,
    ownerLabel: label(record.owner),
    kind: record.kind,
    status: record.status,
    progress: record.progress,
    attempt: record.attempt,
    maxAttempts: record.maxAttempts,
    createdAt: record.createdAt,
    updatedAt: record.finishedAt ?? record.startedAt ?? record.createdAt,
  };
  if (record.statusMessage !== undefined) view.message = clip(record.statusMessage);
  if (record.startedAt !== undefined) view.startedAt = record.startedAt;
  if (record.finishedAt !== undefined) view.finishedAt = record.finishedAt;
  if (record.nextAttemptAt !== undefined) view.nextAttemptAt = record.nextAttemptAt;
  if (record.error) view.error = errorView(record.error);
  if (record.dependsOn.length > 0) view.dependsOn = record.dependsOn.slice(0, MAX_DEPENDENCIES);
  if (record.inputRequest && record.status === 'input_required') view.input = inputView(record.inputRequest);
  return view;
}

function errorView(error: { name: string; message: string; code?: string }): TaskView['error'] {
  return { name: error.name, message: clip(error.message), ...(error.code !== undefined && { code: error.code }) };
}

/** Applies one event to a view (creating it if the task is unknown); returns the view. */
export function applyEvent(current: TaskView | undefined, event: TaskEvent, label: OwnerLabel): TaskView {
  const view: TaskView = current ?? {
    id: event.taskId,
    owner: event.owner,
    ownerLabel: label(event.owner),
    kind: event.kind,
    status: event.type === 'created' ? 'queued' : 'working',
    progress: 0,
    attempt: event.attempt,
    createdAt: event.at,
    updatedAt: event.at,
  };
  view.attempt = event.attempt;
  view.updatedAt = event.at;
  switch (event.type) {
    case 'created':
      view.status = 'queued';
      view.createdAt = event.at;
      if (event.dependsOn.length > 0) view.dependsOn = event.dependsOn.slice(0, MAX_DEPENDENCIES);
      view.maxAttempts = event.maxAttempts;
      break;
    case 'started':
      view.status = 'working';
      view.startedAt ??= event.at;
      delete view.nextAttemptAt;
      delete view.error;
      break;
    case 'progress':
      if (event.progress > view.progress) view.progress = event.progress;
      if (event.message !== undefined) view.message = clip(event.message);
      if (event.phase !== undefined) view.phase = clip(event.phase, 200);
      else if (!event.heartbeat) delete view.phase;
      if (event.rate !== undefined) view.rate = event.rate;
      if (event.etaMs !== undefined) view.etaMs = event.etaMs;
      break;
    case 'phase':
      if (event.progress > view.progress) view.progress = event.progress;
      if (event.state === 'started') view.phase = clip(event.name, 200);
      else {
        const parent = event.path[event.path.length - 2];
        if (parent === undefined) delete view.phase;
        else view.phase = clip(parent, 200);
      }
      break;
    case 'milestone':
      if (event.progress > view.progress) view.progress = event.progress;
      break;
    case 'status':
      view.status = event.status;
      if (event.message !== undefined) view.message = clip(event.message);
      if (event.status !== 'input_required') delete view.input;
      break;
    case 'input':
      if (event.state === 'requested') view.input = inputView(event.request);
      else delete view.input;
      break;
    case 'retrying':
      view.status = 'queued';
      view.error = errorView(event.error);
      view.nextAttemptAt = event.at + event.delayMs;
      delete view.rate;
      delete view.etaMs;
      break;
    case 'completed':
      view.status = 'completed';
      view.progress = 100;
      finish(view, event.at);
      break;
    case 'failed':
      view.status = 'failed';
      view.error = errorView(event.error);
      finish(view, event.at);
      break;
    case 'cancelled':
      view.status = 'cancelled';
      view.message = clip(event.reason);
      finish(view, event.at);
      break;
    default:
      break;
  }
  return view;
}

function finish(view: TaskView, at: number): void {
  view.finishedAt = at;
  delete view.input;
  delete view.etaMs;
  delete view.nextAttemptAt;
}
