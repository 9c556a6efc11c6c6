import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpanStatusCode } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InvalidArgumentError, NonRetryableError, TaskManager } from '@headway/core';
import type { TaskContext, TaskEvent } from '@headway/core';
// Worker threads run built JavaScript: this suite uses the package's dist (turbo builds it first).
import { ATTR, EVENT, otelWorkerReporter } from '../dist/index.js';
import { decodeEvents, EventEncoder } from '../dist/worker/event-codec.js';
import type { EventBatch } from '../dist/worker/event-codec.js';
import { byName, harness } from './helpers.js';

const SETUP = new URL('./fixtures/file-span-setup.mjs', import.meta.url);
const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

interface FileSpan {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  status: { code: number; message?: string };
  attributes: Record<string, unknown>;
  events: { name: string; attributes?: Record<string, unknown>; at: number }[];
  links: string[];
  start: number;
  end: number;
}

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'headway-otel-worker-'));
  file = join(dir, 'spans.jsonl');
  process.env.HEADWAY_OTEL_SPANS_FILE = file;
});
afterEach(() => {
  delete process.env.HEADWAY_OTEL_SPANS_FILE;
  rmSync(dir, { recursive: true, force: true });
});

function readSpans(): { spans: FileSpan[]; shutdown: boolean } {
  const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as FileSpan & { shutdown?: true });
  return { spans: lines.filter((l) => !l.shutdown), shutdown: lines.some((l) => l.shutdown) };
}

async function importJob(_input: unknown, ctx: TaskContext): Promise<string> {
  await ctx.progress.phase('Fetch', { total: 4 }, (phase) => {
    for (let i = 0; i < 4; i++) phase.advance();
  });
  ctx.log.info('fetched', { pages: 4 });
  return 'ok';
}

/** What two spans of the same task must share, whichever thread built them (no ids, times or usage figures). */
function shape(span: { name: string; status: { code: number; message?: string }; attributes: Record<string, unknown>; events: { name: string; attributes?: Record<string, unknown> }[] }) {
  const attributes = Object.fromEntries(
    Object.entries(span.attributes).filter(([key]) => !key.startsWith('headway.resources.') && key !== ATTR.taskId && key !== ATTR.queueWaitMs),
  );
  return { name: span.name, status: span.status, attributes, events: span.events.map((e) => ({ name: e.name, attributes: e.attributes })) };
}

describe('otelWorkerReporter: the SDK on a worker thread', () => {
  it('builds the same spans as the in-thread reporter, children of the request trace, and flushes and shuts down on close', async () => {
    const inThread = harness();
    const viaWorker = otelWorkerReporter({ setup: SETUP });
    await viaWorker.ready();
    const manager = new TaskManager({ reporters: [viaWorker] });
    const metadata = { traceparent: TRACEPARENT };
    for (const m of [manager, inThread.manager]) {
      const ok = await m.create({ kind: 'import', fn: importJob, metadata });
      const bad = await m.create({ kind: 'broken', fn: () => Promise.reject(new NonRetryableError('no such table')) });
      await ok.wait();
      await bad.wait();
    }
    await inThread.settle();
    await manager.shutdown();

    const { spans, shutdown } = readSpans();
    expect(shutdown).toBe(true);
    expect(spans.map((s) => s.name).sort()).toEqual(['phase Fetch', 'task broken', 'task import']);
    const task = spans.find((s) => s.name === 'task import')!;
    const phase = spans.find((s) => s.name === 'phase Fetch')!;
    expect(task.traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(task.parentSpanId).toBe('b7ad6b7169203331');
    expect(phase.parentSpanId).toBe(task.spanId);
    expect(task.events.map((e) => e.name)).toEqual([EVENT.milestone, EVENT.milestone, EVENT.milestone, EVENT.log]);
    expect(task.events.at(-1)?.attributes?.[ATTR.logData]).toBe('{"pages":4}');
    expect(task.attributes[ATTR.cpuUserMs]).toEqual(expect.any(Number));
    expect(task.end).toBeGreaterThanOrEqual(task.start);
    const broken = spans.find((s) => s.name === 'task broken')!;
    expect(broken.status).toEqual({ code: SpanStatusCode.ERROR, message: 'no such table' });

    for (const name of ['task import', 'phase Fetch', 'task broken']) {
      const local = byName(inThread.spans(), name);
      expect(shape(spans.find((s) => s.name === name)!)).toEqual(shape({ ...local, attributes: { ...local.attributes } }));
    }
    await inThread.close();
  });

  it('a setup module that fails is reported by ready(), and the sink then throws without disturbing tasks', async () => {
    const troubles: string[] = [];
    const broken = join(dir, 'broken-setup.mjs');
    writeFileSync(broken, "throw new Error('no collector configured');\n");
    const reporter = otelWorkerReporter({ setup: broken });
    await expect(reporter.ready()).rejects.toThrow(/broken-setup\.mjs.*no collector configured/);
    const manager = new TaskManager({ reporters: [reporter], hub: { onReporterTrouble: (name, kind) => troubles.push(`${name}:${kind}`) } });
    const task = await manager.create({ kind: 'fine', fn: () => 42 });
    expect(await task.result()).toBe(42);
    await manager.flush();
    expect(troubles).toContain('otel:error');
    await manager.shutdown();
    // Closing a sink whose setup failed stops its thread without repeating the failure.
    await expect(reporter.close()).resolves.toBeUndefined();
  });

  it('a setup module that brings no TracerProvider is refused by ready(), after its shutdown() undid what it started', async () => {
    const marker = join(dir, 'setup-shut-down');
    const empty = join(dir, 'no-provider-setup.mjs');
    writeFileSync(
      empty,
      `import { writeFileSync } from 'node:fs';\nexport const started = true;\nexport function shutdown() { writeFileSync(${JSON.stringify(marker)}, 'yes'); }\n`,
    );
    const reporter = otelWorkerReporter({ setup: empty });
    await expect(reporter.ready()).rejects.toThrow(/no-provider-setup\.mjs.*TracerProvider/);
    expect(readFileSync(marker, 'utf8')).toBe('yes');
    await reporter.close();
  });

  it('does not keep the process alive, yet a shutdown waits for the spans to be exported', async () => {
    const script = new URL('./fixtures/worker-process.mjs', import.meta.url).pathname;
    const run = (arg: string, spansFile: string) =>
      new Promise<{ code: number | null; ms: number }>((resolve) => {
        const started = Date.now();
        const env = { ...process.env, HEADWAY_OTEL_SPANS_FILE: spansFile };
        const child = execFile(process.execPath, [script, arg], { env, timeout: 15_000 }, () => undefined);
        child.on('exit', (code) => resolve({ code, ms: Date.now() - started }));
      });
    // Without a shutdown the process still ends (what was not flushed may be lost, by design).
    const idle = await run('no-shutdown', join(dir, 'idle.jsonl'));
    expect(idle.code).toBe(0);
    expect(idle.ms).toBeLessThan(10_000);

    const clean = await run('shutdown', file);
    expect(clean.code).toBe(0);
    const { spans, shutdown } = readSpans();
    expect(shutdown).toBe(true);
    expect(spans.filter((s) => s.name === 'task child')).toHaveLength(2);
  });

  it('posts at most batchSize events per message, and leaves out logs below minLogLevel', async () => {
    const reporter = otelWorkerReporter({ setup: SETUP, batchSize: 2, minLogLevel: 'info' });
    await reporter.ready();
    type Message = { type: string; batch?: EventBatch };
    const worker = (reporter as unknown as { worker: { postMessage(message: Message, transfer?: unknown[]): void } }).worker;
    const post = worker.postMessage.bind(worker);
    const sent: string[][] = [];
    vi.spyOn(worker, 'postMessage').mockImplementation((message: Message, transfer?: unknown[]) => {
      // Read as posted: the encoder writes the next batch into the same buffer.
      if (message.batch) sent.push(decodeEvents(message.batch).map((e) => (e as { message: string }).message));
      post(message, transfer);
    });
    const base = { taskId: 't', owner: 'o', kind: 'k', at: Date.now(), attempt: 1 };
    reporter.onEvent({ type: 'log', ...base, level: 'debug', message: 'hidden' });
    reporter.onEvent({ type: 'log', ...base, level: 'info', message: 'one' });
    reporter.onEvent({ type: 'log', ...base, level: 'info', message: 'two' });
    reporter.onEvent({ type: 'log', ...base, level: 'info', message: 'three' });
    await reporter.flush();
    expect(sent).toEqual([['one', 'two'], ['three']]);
    await reporter.close();
  });

  it('refuses options that cannot cross to the worker or name no module, before a thread starts', () => {
    const threads = () => Number(/Threads:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1]);
    const before = threads();
    expect(() => otelWorkerReporter({ setup: './relative.mjs' })).toThrow(InvalidArgumentError);
    expect(() => otelWorkerReporter({ setup: './relative.mjs' })).toThrow(/setup/);
    // A module that is not there is refused here, not by a thread started to find out.
    expect(() => otelWorkerReporter({ setup: join(dir, 'missing-setup.mjs') })).toThrow(InvalidArgumentError);
    expect(() => otelWorkerReporter({ setup: join(dir, 'missing-setup.mjs') })).toThrow(/missing-setup\.mjs/);
    expect(() => otelWorkerReporter({ setup: SETUP, tracerProvider: {} } as never)).toThrow(/tracerProvider/);
    expect(() => otelWorkerReporter({ setup: SETUP, batchSize: 0 })).toThrow(/batchSize/);
    expect(() => otelWorkerReporter({ setup: SETUP, closeTimeoutMs: -1 })).toThrow(/closeTimeoutMs/);
    expect(() => otelWorkerReporter({ setup: SETUP, minLogLevel: 'loud' as never })).toThrow(/minLogLevel/);
    expect(() => otelWorkerReporter({ setup: SETUP, recordOwner: 'no' as never })).toThrow(/recordOwner/);
    // An option the worker would not get (a function cannot even cross): named, not a DataCloneError.
    expect(() => otelWorkerReporter({ setup: SETUP, exporter: () => undefined } as never)).toThrow(InvalidArgumentError);
    expect(() => otelWorkerReporter({ setup: SETUP, exporter: () => undefined } as never)).toThrow(/exporter/);
    expect(threads()).toBe(before);
  });

  it('the wire format carries every field the spans use, for every event type', () => {
    const base = { taskId: 't1', owner: 'o', kind: 'k', at: 1_700_000_000_123, attempt: 2 };
    const error = { name: 'Boom', message: 'it broke', code: 'E_BOOM' };
    const events: TaskEvent[] = [
      { type: 'created', ...base, metadata: { traceparent: TRACEPARENT, tracestate: 'a=b' }, dependsOn: [], ttlMs: 0, maxAttempts: 3 },
      { type: 'started', ...base, queueWaitMs: 12, resumed: true },
      { type: 'started', ...base, queueWaitMs: 3, metadata: { traceparent: TRACEPARENT } },
      { type: 'progress', ...base, progress: 40 },
      { type: 'phase', ...base, name: 'P', state: 'started', path: ['Outer', 'P'], progress: 10, from: 10, to: 60, total: 5 },
      { type: 'milestone', ...base, milestone: 25, progress: 26 },
      { type: 'log', ...base, level: 'warning', message: 'careful', logger: 'db', data: { rows: 3 } },
      { type: 'resources', ...base, sample: 'end', cpuUserMs: 1.5, cpuSystemMs: 0.5, rssBytes: 10, heapUsedBytes: 5, eventLoopUtilization: 0.3, wallMs: 9, shared: false },
      { type: 'checkpoint', ...base, state: undefined },
      { type: 'status', ...base, status: 'input_required', message: 'need a token' },
      { type: 'retrying', ...base, error, delayMs: 100, nextAttempt: 3, progress: 50 },
      { type: 'completed', ...base, result: undefined, durationMs: 77 },
      { type: 'failed', ...base, error: { name: 'Plain', message: 'no code' }, durationMs: 5, progress: 60 },
      { type: 'cancelled', ...base, reason: 'user', durationMs: 6, progress: 70 },
    ];
    const encoder = new EventEncoder();
    for (const event of events) encoder.add(event);
    const batch = encoder.take();
    expect(batch.events).toBe(events.length);
    // The task's id, owner and kind travel once for the run of its events.
    expect(batch.strings.filter((x) => x === 't1')).toHaveLength(1);
    const decoded = decodeEvents(structuredClone(batch));
    expect(decoded.map((e) => e.type)).toEqual(events.map((e) => e.type));
    const expected = events.map((e) => (e.type === 'log' ? { ...e, data: '{"rows":3}' } : e));
    expect(decoded.map(withoutUndefined)).toEqual(expected.map(withoutUndefined));
    expect(() => decodeEvents({ numbers: new Float64Array([99, 0, 1, 2, 1, 1]), strings: ['t', 'o', 'k'], events: 1 })).toThrow(
      /unknown event type code 99/,
    );
  });
});

function withoutUndefined(value: object): object {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}
