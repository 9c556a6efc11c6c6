import { afterEach, describe, expect, it } from 'vitest';
import type { TaskSnapshot } from '@headway/core';
import { durationText, handleAnswer } from '../src/handle-answer.js';
import { companionNames } from '../src/companion-names.js';
import { newManager } from './support/harness.js';

const names = companionNames('');
let manager = newManager();
afterEach(async () => {
  await manager.shutdown({ mode: 'abort', timeoutMs: 1000 });
  manager = newManager();
});

/** A real, queued task record (created deferred: nothing runs it). */
async function queuedTask(): Promise<TaskSnapshot> {
  const handle = await manager.create({ kind: 'resize', owner: 'alice', deferred: true });
  return (await manager.get(handle.id, { owner: 'alice' }))!;
}

const textOf = (answer: ReturnType<typeof handleAnswer>) => (answer.content[0] as { text: string }).text;

describe('durationText', () => {
  it('says ms below a second, one decimal below ten seconds, whole seconds above', () => {
    expect(durationText(0)).toBe('0 ms');
    expect(durationText(250)).toBe('250 ms');
    expect(durationText(999.4)).toBe('999 ms');
    expect(durationText(999.6)).toBe('1 s');
    expect(durationText(1_000)).toBe('1 s');
    expect(durationText(1_500)).toBe('1.5 s');
    expect(durationText(2_000)).toBe('2 s');
    expect(durationText(9_940)).toBe('9.9 s');
    expect(durationText(9_960)).toBe('10 s');
    expect(durationText(10_000)).toBe('10 s');
    expect(durationText(45_000)).toBe('45 s');
    expect(durationText(45_600)).toBe('46 s');
  });
});

describe('handleAnswer', () => {
  it('words the budget a call was promoted after, sub-second ones in ms', async () => {
    const record = await queuedTask();
    const promoted = (ms: number) => textOf(handleAnswer(record, { names, maxWaitMs: 45_000, cause: { promotedAfterMs: ms }, view: { resources: false } }));
    expect(promoted(250)).toContain(`Task ${record.id} (resize) is taking longer than 250 ms, so it continues in the background.`);
    expect(promoted(1_500)).toContain('is taking longer than 1.5 s,');
    expect(promoted(45_000)).toContain('is taking longer than 45 s,');
  });

  it('names task://{id} (task.resourceUri, follow.resource) only when the binding serves it', async () => {
    const record = await queuedTask();
    const served = handleAnswer(record, { names, maxWaitMs: 45_000, view: { resources: true } }).structuredContent as Record<string, Record<string, unknown>>;
    expect(served.task!.resourceUri).toBe(`task://${record.id}`);
    expect(served.follow!.resource).toBe(`task://${record.id}`);
    const unserved = handleAnswer(record, { names, maxWaitMs: 45_000, view: { resources: false } });
    expect(JSON.stringify(unserved)).not.toContain('task://');
    expect(unserved.structuredContent).toEqual({
      task: expect.not.objectContaining({ resourceUri: expect.anything() }),
      follow: { wait: 'task_wait', status: 'task_status', result: 'task_result', cancel: 'task_cancel' },
    });
  });
});
