// The names @headway/bullmq exports, pinned: its public surface changes only on purpose.
import { describe, expect, it } from 'vitest';
import * as entry from '../src/index.js';

describe('@headway/bullmq entry point', () => {
  it('exports exactly these names', () => {
    expect(Object.keys(entry).sort()).toEqual([
      'BullMqScheduler',
      'CLIENT_DEFAULTS',
      'KeyLayout',
      'RedisEventRelay',
      'RedisStoreError',
      'RedisTaskStore',
      'bullmq',
      'createWorker',
      'runWorker',
    ]);
  });
});
