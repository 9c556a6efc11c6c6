// ctx.elicit: the question is stored, the task is input_required, and an answer comes back
// through manager.respond, wherever the task runs.
import { describe, expect, it } from 'vitest';
import { InputTimeoutError, InvalidArgumentError, TaskManager } from '../src/index.js';
import type { InputEvent, TaskContext } from '../src/index.js';
import { MemoryTaskStore } from '../src/spi.js';
import { recorder, until } from './helpers.js';
import { TaskManager as BuiltManager, WorkerThreadExecutor } from '../dist/index.js';

const schema = { type: 'object', properties: { approve: { type: 'boolean' } }, required: ['approve'] } as const;

async function asking(m: TaskManager | BuiltManager, id: string) {
  await until(async () => (await m.get(id))?.status === 'input_required');
  return (await m.get(id))!;
}

describe('ctx.elicit', () => {
  it('stores the question, waits, and returns the answer given through respond', async () => {
    const rec = recorder();
    const m = new TaskManager({ reporters: [rec] });
    m.define('delete', async (_input: unknown, ctx: TaskContext) => {
      const answer = await ctx.elicit<{ approve: boolean }>({ message: 'Delete 42 subjects?', schema });
      return answer.action === 'accept' && answer.content?.approve ? 'deleted' : 'kept';
    });
    const task = await m.create({ kind: 'delete' });
    const waiting = await asking(m, task.id);
    expect(waiting.inputRequest).toMatchObject({ message: 'Delete 42 subjects?', schema });
    expect(waiting.statusMessage).toBe('Delete 42 subjects?');
    await expect(task.respond({ requestId: 'not-the-id', action: 'accept' })).rejects.toThrow(/requestId/);
    await expect(m.respond(task.id, { requestId: waiting.inputRequest!.id, action: 'accept', content: { approve: true } }, { owner: 'mallory' })).rejects.toThrow(/not found/);
    await task.respond({ requestId: waiting.inputRequest!.id, action: 'accept', content: { approve: true } });
    expect(await task.result()).toBe('deleted');
    const record = (await m.get(task.id))!;
    expect(record.inputRequest).toBeUndefined();
    await m.flush();
    const input = rec.of('input', task.id) as InputEvent[];
    expect(input.map((e) => e.state)).toEqual(['requested', 'answered']);
    expect(input[1]!.response).toMatchObject({ action: 'accept', content: { approve: true } });
    expect(rec.of('status', task.id).map((e) => (e as { status: string }).status)).toEqual(['input_required', 'working']);
    await m.shutdown();
  });

  it('declines and cancels come back as actions; bad answers and questions are refused by name', async () => {
    const m = new TaskManager();
    m.define('ask', (_i: unknown, ctx: TaskContext) => ctx.elicit({ message: 'Go on?' }));
    const declined = await m.create({ kind: 'ask' });
    const id = (await asking(m, declined.id)).inputRequest!.id;
    await expect(declined.respond({ requestId: id, action: 'maybe' as never })).rejects.toThrow(/action: "maybe"/);
    await expect(declined.respond({ requestId: id, action: 'decline', content: { x: 1 } })).rejects.toThrow(/content/);
    await declined.respond({ requestId: id, action: 'decline' });
    expect(await declined.result()).toEqual({ action: 'decline' });
    m.define('bad', (_i: unknown, ctx: TaskContext) => ctx.elicit({ message: '', schema: { type: 'string' } }));
    const bad = await m.create({ kind: 'bad' });
    expect((await bad.wait()).error).toMatchObject({ name: 'InvalidArgumentError', message: expect.stringMatching(/message/) });
    await m.shutdown();
  });

  it('a timeout fails the wait with InputTimeoutError, and the task goes back to working', async () => {
    const m = new TaskManager();
    let caught: unknown;
    m.define('ask', async (_i: unknown, ctx: TaskContext) => {
      try {
        await ctx.elicit({ message: 'Quick?', timeoutMs: 50 });
      } catch (error) {
        caught = error;
      }
      return 'went on without an answer';
    });
    const task = await m.create({ kind: 'ask' });
    expect(await task.result()).toBe('went on without an answer');
    expect(caught).toBeInstanceOf(InputTimeoutError);
    await m.shutdown();
  });

  it('a cancel while the task waits aborts the wait and the task ends cancelled', async () => {
    const m = new TaskManager();
    let reason: unknown;
    m.define('ask', async (_i: unknown, ctx: TaskContext) => {
      try {
        await ctx.elicit({ message: 'Sure?' });
      } catch (error) {
        reason = error;
        throw error;
      }
    });
    const task = await m.create({ kind: 'ask' });
    await asking(m, task.id);
    expect((await task.cancel('changed my mind')).status).toBe('cancelled');
    await until(() => reason !== undefined);
    expect((reason as Error).name).toBe('TaskCancelledError');
    await m.shutdown();
  });

  it('an answer saying nobody can answer becomes the error of elicit', async () => {
    const m = new TaskManager();
    m.define('ask', (_i: unknown, ctx: TaskContext) => ctx.elicit({ message: 'Anyone?' }));
    const task = await m.create({ kind: 'ask' });
    const id = (await asking(m, task.id)).inputRequest!.id;
    await task.respond({ requestId: id, action: 'cancel', unavailable: 'The client cannot answer questions' });
    expect(await task.wait()).toMatchObject({ status: 'failed', error: { code: 'input_unavailable', message: 'The client cannot answer questions' } });
    await m.shutdown();
  });

  it('survives a restart while waiting: the question keeps its id and an answer given meanwhile is used', async () => {
    const store = new MemoryTaskStore();
    Object.defineProperty(store, 'durable', { value: true });
    const ask = async (_i: unknown, ctx: TaskContext) => {
      const answer = await ctx.elicit<{ approve: boolean }>({ message: 'Proceed?', schema });
      return answer.content?.approve;
    };
    const first = new TaskManager({ store });
    first.define('ask', ask, { resumable: true });
    const task = await first.create({ kind: 'ask' });
    const question = (await asking(first, task.id)).inputRequest!;
    await first.shutdown({ timeoutMs: 200 });
    expect((await store.get(task.id, 'local'))!.status).toBe('input_required');
    // The answer arrives while no process runs the task: it is kept with the record.
    const second = new TaskManager({ store });
    await second.respond(task.id, { requestId: question.id, action: 'accept', content: { approve: true } });
    second.define('ask', ask, { resumable: true });
    expect(await (await second.handle(task.id)).result()).toBe(true);
    await second.shutdown();
  });

  it('works from a worker thread', async () => {
    const m = new BuiltManager();
    m.define('ask', { module: new URL('./fixtures/worker-tasks.mjs', import.meta.url), export: 'ask' }, { executor: new WorkerThreadExecutor() });
    const task = await m.create({ kind: 'ask', input: { question: 'Your name?' } });
    const question = (await asking(m, task.id)).inputRequest!;
    expect(question.message).toBe('Your name?');
    await task.respond({ requestId: question.id, action: 'accept', content: { name: 'Ada' } });
    expect(await task.result()).toEqual({ action: 'accept', content: { name: 'Ada' } });
    await m.shutdown();
  });

  it('refuses an answer for a task that waits on nothing', async () => {
    const m = new TaskManager();
    const task = await m.create({ kind: 'k', fn: () => 'done' });
    await task.wait();
    const error = await task.respond({ requestId: 'q', action: 'accept' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toMatch(/waits on none/);
    await m.shutdown();
  });
});
