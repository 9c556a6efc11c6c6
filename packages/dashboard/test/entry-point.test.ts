// The names @headway/dashboard exports, pinned: its public surface changes only on purpose.
import { describe, expect, it } from 'vitest';
import * as entry from '../src/index.js';

describe('@headway/dashboard entry point', () => {
  it('exports exactly these names', () => {
    expect(Object.keys(entry).sort()).toEqual([
      'CANCEL_HEADER',
      'HISTORY_LIMITS',
      'LOOPBACK_HOSTS',
      'createDashboard',
      'defaultOwnerLabel',
    ]);
  });
});
