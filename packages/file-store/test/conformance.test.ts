// The core's TaskStore conformance kit, on a FileTaskStore in a fresh directory per store.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeTaskStore } from '@headway/core/testing';
import type { TaskStore } from '@headway/core/spi';
import { FileTaskStore } from '../src/index.js';

async function fresh(): Promise<FileTaskStore> {
  return FileTaskStore.open(await mkdtemp(join(tmpdir(), 'hw-fs-kit-')));
}

describeTaskStore('FileTaskStore', {
  create: fresh,
  async reopen(store: TaskStore) {
    await store.close?.();
    return FileTaskStore.open((store as FileTaskStore).directory);
  },
  async cleanup(store: TaskStore) {
    await rm((store as FileTaskStore).directory, { recursive: true, force: true });
  },
});
