import { SpanStatusCode } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { NonRetryableError } from '@headway/core';
import { ATTR, EVENT, otelReporter } from '../src/index.js';
import { byName, eventNames, harness, sleep } from './helpers.js';
import type { Harness } from './helpers.js';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

describe('otel reporter: spans per attempt', () => {
  it('completed task: one span, nested phase spans, milestone/log events, OK status, resource attributes', async () => {
    h = harness();
    const task = await h.manager.create({
      kind: 'import',
      fn: async (_input, ctx) => {
        await ctx.progress.phase('Fetch', { to: 50 }, async (outer) => {
          await outer.phase('Page', { total: 2 }, async (inner) => {
            inner.updateItem(0);
            inner.updateItem(1);
          });
        });
        ctx.log.info('fetched', { pages: 2 });
        ctx.log.warning('slow upstream');
        await ctx.progress.phase('Store', {}, async () => undefined);
        return 'ok';
      },
    });
    expect((await task.wait()).status).toBe('completed');
    await h.settle();

    const spans = h.spans();
    expect(spans).toHaveLength(4);
    const root = byName(spans, 'task import');
    const fetch = byName(spans, 'phase Fetch');
    const page = byName(spans, 'phase Page');
    const store = byName(spans, 'phase Store');

    expect(root.parentSpanContext).toBeUndefined();
    expect(fetch.parentSpanContext?.spanId).toBe(root.spanContext().spanId);
    expect(page.parentSpanContext?.spanId).toBe(fetch.spanContext().spanId);
    expect(store.parentSpanContext?.spanId).toBe(root.spanContext().spanId);
    for (const s of [fetch, page, store]) expect(s.spanContext().traceId).toBe(root.spanContext().traceId);
    expect(page.attributes[ATTR.phasePath]).toEqual(['Fetch', 'Page']);
    expect(page.attributes[ATTR.phaseTotal]).toBe(2);
    expect(fetch.attributes[ATTR.phaseTo]).toBe(50);

    expect(root.status.code).toBe(SpanStatusCode.OK);
    expect(root.attributes).toMatchObject({
      [ATTR.taskId]: task.id,
      [ATTR.taskKind]: 'import',
      [ATTR.taskOwner]: 'local',
      [ATTR.attempt]: 1,
      [ATTR.outcome]: 'completed',
      [ATTR.progress]: 100,
    });
    expect(typeof root.attributes[ATTR.queueWaitMs]).toBe('number');
    for (const key of [ATTR.cpuUserMs, ATTR.cpuSystemMs, ATTR.rssBytes, ATTR.heapUsedBytes, ATTR.eventLoopUtilization, ATTR.wallMs]) {
      expect(typeof root.attributes[key], key).toBe('number');
    }
    expect(typeof root.attributes[ATTR.resourcesShared]).toBe('boolean');

    const names = eventNames(root);
    expect(names.filter((n) => n === EVENT.milestone).length).toBeGreaterThanOrEqual(1);
    const milestones = root.events.filter((e) => e.name === EVENT.milestone).map((e) => e.attributes?.[ATTR.milestone]);
    expect(milestones).toContain(50);
    const logs = root.events.filter((e) => e.name === EVENT.log);
    expect(logs.map((e) => [e.attributes?.[ATTR.logLevel], e.attributes?.[ATTR.logMessage]])).toEqual([
      ['info', 'fetched'],
      ['warning', 'slow upstream'],
    ]);
    expect(logs[0]!.attributes?.[ATTR.logData]).toBe('{"pages":2}');
    // Children end no later than their parent.
    const end = (s: typeof root) => s.endTime[0] * 1e9 + s.endTime[1];
    expect(end(page)).toBeLessThanOrEqual(end(fetch));
    expect(end(fetch)).toBeLessThanOrEqual(end(root));
  });

  it('failed task: ERROR status, exception event, error.type', async () => {
    h = harness();
    const task = await h.manager.create({
      kind: 'fragile',
      fn: async () => {
        throw new NonRetryableError('disk on fire');
      },
    });
    expect((await task.wait()).status).toBe('failed');
    await h.settle();
    const span = byName(h.spans(), 'task fragile');
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'disk on fire' });
    expect(span.attributes[ATTR.errorType]).toBe('NonRetryableError');
    expect(span.attributes[ATTR.outcome]).toBe('failed');
    const exception = span.events.find((e) => e.name === 'exception');
    expect(exception?.attributes).toMatchObject({
      'exception.type': 'NonRetryableError',
      'exception.message': 'disk on fire',
      [ATTR.errorCode]: 'non_retryable',
    });
  });

  it('retried task: one span per attempt, the failed one with exception and retry events, linked, same parent', async () => {
    h = harness({ manager: { retry: { maxAttempts: 3, initialDelayMs: 1, jitter: 'none' } } });
    const task = await h.manager.create({
      kind: 'flaky',
      fn: async (_input, ctx) => {
        if (ctx.attempt === 1) throw new Error('transient');
        return 'second time lucky';
      },
    });
    expect((await task.wait()).status).toBe('completed');
    await h.settle();
    const spans = h.spans().filter((s) => s.name === 'task flaky');
    expect(spans).toHaveLength(2);
    const [first, second] = spans.sort((a, b) => Number(a.attributes[ATTR.attempt]) - Number(b.attributes[ATTR.attempt]));
    expect(first!.attributes[ATTR.attempt]).toBe(1);
    expect(first!.status.code).toBe(SpanStatusCode.ERROR);
    expect(first!.attributes[ATTR.outcome]).toBe('retried');
    expect(eventNames(first!)).toEqual(expect.arrayContaining(['exception', EVENT.retry]));
    const retry = first!.events.find((e) => e.name === EVENT.retry)!;
    expect(retry.attributes?.[ATTR.retryNextAttempt]).toBe(2);
    expect(second!.attributes[ATTR.attempt]).toBe(2);
    expect(second!.attributes[ATTR.maxAttempts]).toBe(3);
    expect(second!.status.code).toBe(SpanStatusCode.OK);
    expect(second!.links.map((l) => l.context.spanId)).toEqual([first!.spanContext().spanId]);
    expect(second!.attributes[ATTR.taskId]).toBe(first!.attributes[ATTR.taskId]);
  });

  it('cancelled running task: UNSET status by default, cancelled event with the reason', async () => {
    h = harness();
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const task = await h.manager.create({
      kind: 'long',
      fn: async (_input, ctx) => {
        ctx.progress.update(30);
        started();
        await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
      },
    });
    await running;
    await task.cancel('user changed their mind');
    await h.settle();
    const span = byName(h.spans(), 'task long');
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes[ATTR.outcome]).toBe('cancelled');
    expect(span.attributes[ATTR.cancelReason]).toBe('user changed their mind');
    expect(span.attributes[ATTR.progress]).toBe(30);
    expect(span.events.find((e) => e.name === EVENT.cancelled)?.attributes?.[ATTR.cancelReason]).toBe('user changed their mind');
  });

  it('cancelled while queued: a span marked never started; cancelledStatus "error" maps to ERROR', async () => {
    h = harness({ reporter: { cancelledStatus: 'error' }, manager: { concurrency: 1 } });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const blocker = await h.manager.create({ kind: 'blocker', fn: () => gate });
    const queued = await h.manager.create({ kind: 'waiting', fn: () => 'never' });
    await queued.cancel('not needed');
    release();
    await blocker.wait();
    await h.settle();
    const span = byName(h.spans(), 'task waiting');
    expect(span.attributes[ATTR.started]).toBe(false);
    expect(span.attributes[ATTR.outcome]).toBe('cancelled');
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'not needed' });
    expect(span.attributes[ATTR.errorType]).toBe('TaskCancelledError');
  });

  it('a reporter that throws next to it disturbs neither the task nor its spans', async () => {
    const thrower = {
      name: 'thrower',
      onEvent() {
        throw new Error('sink on fire');
      },
    };
    h = harness({ extraReporters: [thrower] });
    const task = await h.manager.create({
      kind: 'steady',
      fn: async (_input, ctx) => {
        await ctx.progress.phase('Only', {}, async () => sleep(1));
        return 42;
      },
    });
    expect(await task.result()).toBe(42);
    await h.settle();
    const root = byName(h.spans(), 'task steady');
    expect(root.status.code).toBe(SpanStatusCode.OK);
    expect(byName(h.spans(), 'phase Only').parentSpanContext?.spanId).toBe(root.spanContext().spanId);
    const stats = h.manager.stats().reporters;
    expect(stats.find((s) => s.reporter === 'thrower')!.errors).toBeGreaterThan(0);
    expect(stats.find((s) => s.reporter === 'otel')!.errors).toBe(0);
  });

  it('shutdown aborting a running task ends its span', async () => {
    h = harness();
    const spansOf = () => h.spans().filter((s) => s.name === 'task stuck');
    await h.manager.create({
      kind: 'stuck',
      fn: (_input, ctx) => new Promise((_resolve, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason))),
    });
    await h.settle();
    expect(spansOf()).toHaveLength(0);
    await h.manager.shutdown({ mode: 'abort', timeoutMs: 1000 });
    expect(spansOf()).toHaveLength(1);
    expect(spansOf()[0]!.attributes[ATTR.outcome]).toBe('failed');
  });

  it('close() ends spans still open as interrupted (tasks left for recovery by a durable store)', () => {
    h = harness();
    const reporter = otelReporter({ tracerProvider: h.provider });
    const base = { taskId: 't1', owner: 'o', kind: 'k', attempt: 1, at: Date.now() };
    reporter.onEvent({ ...base, type: 'created', metadata: {}, dependsOn: [], ttlMs: 1000, maxAttempts: 1 });
    reporter.onEvent({ ...base, type: 'started', queueWaitMs: 0 });
    reporter.onEvent({ ...base, type: 'phase', name: 'P', state: 'started', path: ['P'], progress: 0, from: 0, to: 100 });
    expect(reporter.openTasks).toBe(1);
    reporter.close();
    expect(reporter.openTasks).toBe(0);
    const span = byName(h.spans(), 'task k');
    expect(span.attributes[ATTR.outcome]).toBe('interrupted');
    expect(eventNames(span)).toContain(EVENT.interrupted);
    expect(byName(h.spans(), 'phase P').ended).toBe(true);
  });

  it('one instance attached per kind: endOpenSpansOnClose false keeps concurrent tasks intact', async () => {
    h = harness();
    const perKind = otelReporter({ tracerProvider: h.provider, name: 'per-kind', endOpenSpansOnClose: false });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    h.manager.define('batch', async (n: number, ctx) => {
      if (n === 1) await gate;
      await ctx.progress.phase('Step', {}, () => undefined);
      return n;
    }, { reporters: [perKind] });
    const slow = await h.manager.create({ kind: 'batch', input: 1 });
    const fast = await h.manager.create({ kind: 'batch', input: 2 });
    await fast.wait();
    await h.settle(); // the hub has closed the per-task channel of the fast task
    release();
    await slow.wait();
    await h.settle();
    // The manager-wide reporter and the per-kind one each made an attempt and a phase span per task.
    const tasks = h.spans().filter((s) => s.name === 'task batch');
    expect(tasks).toHaveLength(4);
    for (const span of tasks) {
      expect(span.attributes[ATTR.outcome]).toBe('completed');
      expect(span.status.code).toBe(SpanStatusCode.OK);
    }
    expect(h.spans().filter((s) => s.name === 'phase Step')).toHaveLength(4);
  });
});
