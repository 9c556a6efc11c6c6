import { afterEach, describe, expect, it } from 'vitest';
import { ANY_OWNER } from '@headway/core';
import { callMetadata } from '../src/trace-context.js';
import { inMemory } from './support/harness.js';
import type { InMemorySetup } from './support/harness.js';

let setup: InMemorySetup | undefined;
afterEach(async () => {
  await setup?.close();
  setup = undefined;
});

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('W3C trace context from _meta', () => {
  it('is copied into the task metadata (for @headway/otel), and a malformed one is ignored', async () => {
    setup = await inMemory();
    await setup.client.callTool({ name: 'slow_inline', arguments: { ms: 1 }, _meta: { traceparent: TRACEPARENT, tracestate: 'vendor=x' } });
    await setup.client.callTool({ name: 'slow_inline', arguments: { ms: 1 }, _meta: { traceparent: 'not-a-traceparent' } });
    const { tasks } = await setup.manager.list({ owner: ANY_OWNER });
    expect(tasks[0]!.metadata).toMatchObject({ traceparent: TRACEPARENT, tracestate: 'vendor=x' });
    expect(tasks[1]!.metadata).not.toHaveProperty('traceparent');
  });

  it('is one call-metadata builder for both bindings: tool, mode, era when given, and a valid trace context only', () => {
    expect(callMetadata('t', 'inline', { traceparent: TRACEPARENT, tracestate: 'vendor=x' })).toEqual({ tool: 't', mode: 'inline', traceparent: TRACEPARENT, tracestate: 'vendor=x' });
    expect(callMetadata('t', 'native', { traceparent: 'nope', tracestate: 'vendor=x' }, 'modern')).toEqual({ tool: 't', mode: 'native', era: 'modern' });
    expect(callMetadata('t', 'auto', undefined, 'legacy')).toEqual({ tool: 't', mode: 'auto', era: 'legacy' });
  });
});
