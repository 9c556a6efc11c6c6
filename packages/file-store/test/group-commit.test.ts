import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileTaskStore } from '../src/index.js';
import type { SyncMethod } from '../src/index.js';
import { taskRecord, tempDir } from './helpers.js';

// Node's real FileHandle, instrumented: every write and datasync is counted, and the step that
// makes a batch durable (the O_DSYNC write, or the fdatasync after a write) can be held at a gate.
type Method = (this: FileHandle, ...args: unknown[]) => Promise<unknown>;
let restore: (() => void) | undefined;
async function instrument(dir: string, durableStep: 'write' | 'datasync'): Promise<{ calls: () => number; hold: () => () => void }> {
  const probe = await open(join(dir, 'probe'), 'w');
  const proto = Object.getPrototypeOf(probe) as Record<'write' | 'datasync', Method>;
  await probe.close();
  const original = proto[durableStep];
  let calls = 0;
  let gate: Promise<void> | undefined;
  proto[durableStep] = async function (this: FileHandle, ...args: unknown[]) {
    calls++;
    if (gate) await gate;
    return original.apply(this, args);
  };
  restore = () => {
    proto[durableStep] = original;
  };
  return {
    calls: () => calls,
    hold: () => {
      let release!: () => void;
      gate = new Promise((resolve) => (release = resolve));
      return () => {
        gate = undefined;
        release();
      };
    },
  };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  restore?.();
  restore = undefined;
  for (const c of cleanups.splice(0)) await c();
});

const durableStep = { dsync: 'write', fdatasync: 'datasync' } as const;

for (const syncMethod of ['dsync', 'fdatasync'] as SyncMethod[]) {
  describe(`group commit (syncMethod ${syncMethod})`, () => {
    async function openStore(): Promise<FileTaskStore> {
      const tmp = await tempDir();
      cleanups.push(tmp.cleanup);
      const store = await FileTaskStore.open(join(tmp.dir, 'store'), { syncMethod });
      cleanups.unshift(() => store.close());
      return store;
    }

    it('many concurrent creates share few commits', async () => {
      const store = await openStore();
      const commits = await instrument(store.directory, durableStep[syncMethod]);
      await Promise.all(Array.from({ length: 400 }, (_, i) => store.create(taskRecord(`task-${i}`, store.nextSeq()))));
      expect(commits.calls()).toBeGreaterThanOrEqual(1);
      // One commit per record would be 400.
      expect(commits.calls()).toBeLessThanOrEqual(40);
    });

    it('a lone write on an idle log is committed at once, without waiting for a turn of the event loop', async () => {
      const store = await openStore();
      const writes = await instrument(store.directory, 'write');
      let immediateRan = false;
      setImmediate(() => (immediateRan = true));
      const created = store.create(taskRecord('lone', store.nextSeq()));
      // Microtasks only: the batch has started before any macrotask (the old writer waited for setImmediate).
      for (let i = 0; i < 20 && writes.calls() === 0; i++) await Promise.resolve();
      expect(writes.calls()).toBe(1);
      expect(immediateRan).toBe(false);
      await created;
    });

    it('writes arriving during a commit go together into the next one', async () => {
      const store = await openStore();
      await store.create(taskRecord('first', store.nextSeq()));
      const commits = await instrument(store.directory, durableStep[syncMethod]);
      const release = commits.hold();
      const first = store.create(taskRecord('held', store.nextSeq()));
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(commits.calls()).toBe(1);
      const later = Array.from({ length: 50 }, (_, i) => store.create(taskRecord(`later-${i}`, store.nextSeq())));
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(commits.calls()).toBe(1);
      release();
      await Promise.all([first, ...later]);
      expect(commits.calls()).toBe(2);
    });

    it('create resolves only after its batch is durable', async () => {
      const store = await openStore();
      const commits = await instrument(store.directory, durableStep[syncMethod]);
      const release = commits.hold();
      let done = false;
      const created = store.create(taskRecord('held', store.nextSeq())).then(() => {
        done = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 60));
      expect(commits.calls()).toBeGreaterThanOrEqual(1);
      expect(done).toBe(false);
      release();
      await created;
      expect(done).toBe(true);
    });
  });
}
