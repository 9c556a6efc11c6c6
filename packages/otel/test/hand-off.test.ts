import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { TaskManager } from '@headway/core';
import { FileTaskStore } from '@headway/file-store';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR, otelReporter } from '../src/index.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const REQUEST_SPAN = '00f067aa0ba902b7';
const FIXTURE = fileURLToPath(new URL('./fixtures/hand-off.mjs', import.meta.url));

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** Runs process A until it has queued the task, then kills it: the task's id. */
async function queueInAnotherProcessAndKillIt(storeDir: string): Promise<string> {
  const child = spawn(process.execPath, [FIXTURE, storeDir, `00-${TRACE_ID}-${REQUEST_SPAN}-01`], { stdio: ['ignore', 'pipe', 'inherit'] });
  const id = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /queued (\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.on('exit', (code) => reject(new Error(`process A exited (${code}) before queueing: ${out}`)));
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
  return id;
}

describe('trace context handed to another process with the task', () => {
  it('a task queued by a process that was killed runs in the next one as a child of the original request', async () => {
    dir = mkdtempSync(join(tmpdir(), 'headway-otel-handoff-'));
    const id = await queueInAnotherProcessAndKillIt(dir);

    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const manager = new TaskManager({ store: await FileTaskStore.open(dir), reporters: [otelReporter({ tracerProvider: provider })] });
    manager.define('report', (n: number) => n * 6);
    manager.define('blocker', () => 'not resumable: fails as interrupted');
    await manager.start();
    const result = await manager.wait(id, { owner: 'local' });
    expect(result.status).toBe('completed');
    expect(result.result).toBe(42);
    await manager.flush();

    const span = exporter.getFinishedSpans().find((s) => s.name === 'task report');
    expect(span, 'the recovered task has a span').toBeDefined();
    expect(span!.spanContext().traceId).toBe(TRACE_ID);
    expect(span!.parentSpanContext?.spanId).toBe(REQUEST_SPAN);
    expect(span!.attributes[ATTR.taskId]).toBe(id);
    await manager.shutdown();
    await provider.shutdown();
  });
});
