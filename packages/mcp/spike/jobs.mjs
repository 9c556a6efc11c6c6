// Spike: a tiny in-process task registry standing in for the core TaskManager. Task state lives
// here, never in a server instance (createMcpHandler builds one instance per request).
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { pollIntervalMs } from '../dist/poll-interval.js';
import { statusLine } from '../dist/status-line.js';

const TERMINAL = new Set(['completed', 'failed', 'cancelled']);
export const jobs = new Map();
export const changes = new EventEmitter(); // 'change' (job) after every visible change

export class Job {
  constructor(tool, ttlMs = 3_600_000) {
    ttlMs ??= 3_600_000;
    this.id = randomBytes(16).toString('base64url'); // 128 random bits: a bearer capability
    this.tool = tool;
    this.status = 'working';
    this.createdAt = Date.now();
    this.updatedAt = this.createdAt;
    this.ttlMs = ttlMs;
    this.phase = undefined;
    this.current = undefined;
    this.total = undefined;
    this.percent = 0;
    this.startedAt = this.createdAt;
    this.result = undefined; // CallToolResult
    this.error = undefined; // JSON-RPC error object
    this.inputRequests = {}; // key -> { method, params }
    this.waiting = new Map(); // key -> resolve(answer)
    this.asked = 0;
    this.aborter = new AbortController();
    this.done = new Promise((resolve) => (this.settle = resolve));
    this.traceparent = undefined;
    jobs.set(this.id, this);
  }

  get terminal() {
    return TERMINAL.has(this.status);
  }

  touch() {
    this.updatedAt = Date.now();
    changes.emit('change', this);
  }

  progress(phase, current, total, percent) {
    Object.assign(this, { phase, current, total, percent });
    this.touch();
  }

  etaMs() {
    const elapsed = Date.now() - this.startedAt;
    if (!(this.percent > 0) || elapsed < 200) return undefined;
    return (elapsed / this.percent) * (100 - this.percent);
  }

  /** Asks the client; resolves with { action, content } once tasks/update (or an MRTR retry) answers. */
  elicit(message, requestedSchema) {
    const key = `input-${++this.asked}`; // unique over the task's life
    this.inputRequests[key] = { method: 'elicitation/create', params: { mode: 'form', message, requestedSchema } };
    this.status = 'input_required';
    this.touch();
    return new Promise((resolve, reject) => {
      this.waiting.set(key, resolve);
      this.aborter.signal.addEventListener('abort', () => reject(this.aborter.signal.reason), { once: true });
    });
  }

  /** Routes answers to the waiting elicits; keys not outstanding are ignored (spec SHOULD). */
  answer(inputResponses) {
    let used = 0;
    for (const [key, response] of Object.entries(inputResponses ?? {})) {
      const resolve = this.waiting.get(key);
      if (!resolve) continue;
      this.waiting.delete(key);
      delete this.inputRequests[key];
      used++;
      resolve(response);
    }
    if (used > 0 && this.waiting.size === 0 && this.status === 'input_required') {
      this.status = 'working';
      this.touch();
    }
    return used;
  }

  complete(result) {
    if (this.terminal) return;
    this.status = 'completed';
    this.result = result;
    this.touch();
    this.settle(this);
  }

  fail(error) {
    if (this.terminal) return;
    this.status = 'failed';
    this.error = error;
    this.touch();
    this.settle(this);
  }

  cancel(reason = 'Cancelled by the client') {
    if (this.terminal) return;
    this.status = 'cancelled';
    this.cancelReason = reason;
    this.aborter.abort(new Error(reason));
    this.touch();
    this.settle(this);
  }

  /** The neutral state the 2026-07-28 encoders take. */
  state() {
    const line = this.status === 'working'
      ? statusLine({ phase: this.phase, percent: this.percent, current: this.current, total: this.total, etaMs: this.etaMs() })
      : this.status === 'input_required'
        ? Object.values(this.inputRequests)[0]?.params?.message
        : this.status === 'cancelled' ? this.cancelReason : this.status === 'failed' ? this.error?.message : undefined;
    return {
      taskId: this.id,
      status: this.status,
      ...(line !== undefined && { statusMessage: line }),
      createdAt: this.createdAt,
      lastUpdatedAt: this.updatedAt,
      ttlMs: this.ttlMs,
      pollIntervalMs: pollIntervalMs({ status: this.status, etaMs: this.etaMs(), idleMs: Date.now() - this.updatedAt }),
      result: this.result,
      error: this.error,
      inputRequests: this.inputRequests,
    };
  }
}

export function findJob(id) {
  return typeof id === 'string' ? jobs.get(id) : undefined;
}

export function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => { clearTimeout(timer); reject(signal.reason); }, { once: true });
  });
}
