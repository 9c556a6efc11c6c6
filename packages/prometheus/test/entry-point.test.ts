// The names @headway/prometheus exports, pinned: its public surface changes only on purpose.
import { describe, expect, it } from 'vitest';
import * as entry from '../src/index.js';

describe('@headway/prometheus entry point', () => {
  it('exports exactly these names', () => {
    expect(Object.keys(entry).sort()).toEqual([
      'DEFAULT_DURATION_BUCKETS',
      'DEFAULT_PREFIX',
      'DEFAULT_QUEUE_WAIT_BUCKETS',
      'METRIC',
      'OTHER_KIND',
      'metricsHandler',
      'prometheusReporter',
    ]);
  });
});
