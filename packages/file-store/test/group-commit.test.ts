import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileTaskStore } from '../src/index.js';
import { taskRecord, tempDir } from './helpers.js';

// Node's real FileHandle, instrumented: every datasync is counted, and can be held at a gate.
type Datasync = FileHandle['datasync'];
let restore: (() => void) | undefined;
async function instrumentDatasync(dir: string): Promise<{ calls: () => number; hold: () => () => void }> {
  const probe = await open(join(dir, 'probe'), 'w');
  const proto = Object.getPrototypeOf(probe) as { datasync: Datasync };
  await probe.close();
  const original = proto.datasync;
  let calls = 0;
  let gate: Promise<void> | undefined;
  proto.datasync = async function (this: FileHandle) {
    calls++;
    if (gate) await gate;
    return original.call(this);
  };
  restore = () => {
    proto.datasync = original;
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

describe('group commit', () => {
  it('many concurrent creates share few fsyncs', async () => {
    const tmp = await tempDir();
    cleanups.push(tmp.cleanup);
    const store = await FileTaskStore.open(join(tmp.dir, 'store'));
    cleanups.unshift(() => store.close());
    const syncs = await instrumentDatasync(tmp.dir);
    const before = syncs.calls();
    await Promise.all(Array.from({ length: 400 }, (_, i) => store.create(taskRecord(`task-${i}`, store.nextSeq()))));
    const used = syncs.calls() - before;
    expect(used).toBeGreaterThanOrEqual(1);
    // One sync per record would be 400.
    expect(used).toBeLessThanOrEqual(40);
  });

  it('create resolves only after the sync of its batch returned', async () => {
    const tmp = await tempDir();
    cleanups.push(tmp.cleanup);
    const store = await FileTaskStore.open(join(tmp.dir, 'store'));
    cleanups.unshift(() => store.close());
    const syncs = await instrumentDatasync(tmp.dir);
    const release = syncs.hold();
    let done = false;
    const created = store.create(taskRecord('held', store.nextSeq())).then(() => {
      done = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(syncs.calls()).toBeGreaterThanOrEqual(1);
    expect(done).toBe(false);
    release();
    await created;
    expect(done).toBe(true);
  });
});
