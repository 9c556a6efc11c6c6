// The names @headway/otel exports, pinned: its public surface changes only on purpose.
import { describe, expect, it } from 'vitest';
import * as entry from '../src/index.js';

describe('@headway/otel entry point', () => {
  it('exports exactly these names', () => {
    expect(Object.keys(entry).sort()).toEqual([
      'ATTR',
      'EVENT',
      'TRACEPARENT_KEY',
      'TRACER_NAME',
      'TRACER_VERSION',
      'TRACESTATE_KEY',
      'extractTraceContext',
      'formatTraceparent',
      'injectTraceContext',
      'otelReporter',
      'otelWorkerReporter',
      'parseTraceparent',
      'traceContextFromMeta',
      'traceContextMetadata',
    ]);
  });
});
