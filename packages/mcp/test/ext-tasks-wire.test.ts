import { describe, expect, it } from 'vitest';
import {
  CallToolResultV2Schema,
  CancelTaskResultV2Schema,
  CreateTaskResultV2Schema,
  GetTaskResultV2Schema,
  TaskStatusNotificationParamsV2Schema,
  UpdateTaskResultV2Schema,
} from '@modelcontextprotocol/ext-tasks/core/v2';
import { encodeAcknowledgement, encodeCreateTaskResult, encodeDetailedTask, encodeGetTaskResult } from '../src/ext-tasks-wire.js';
import type { ExtTaskState } from '../src/ext-tasks-wire.js';

// The official requester's own schemas are the referee: what they reject, ext-tasks' settle() rejects.
const CREATED = Date.UTC(2026, 6, 28, 10, 30, 0);
const base: ExtTaskState = { taskId: 'abc', status: 'working', createdAt: CREATED, lastUpdatedAt: CREATED, ttlMs: 3_600_000, pollIntervalMs: 1500 };

describe('CreateTaskResult (flat)', () => {
  it('is the Task fields plus resultType "task", as the spec example', () => {
    const wire = encodeCreateTaskResult({ ...base, statusMessage: 'Deleting subjects: 1/150 (10 %)', lastUpdatedAt: CREATED + 1000 });
    expect(wire).toEqual({
      resultType: 'task',
      taskId: 'abc',
      status: 'working',
      statusMessage: 'Deleting subjects: 1/150 (10 %)',
      createdAt: '2026-07-28T10:30:00.000Z',
      lastUpdatedAt: '2026-07-28T10:30:01.000Z',
      ttlMs: 3_600_000,
      pollIntervalMs: 1500,
    });
    expect(CreateTaskResultV2Schema.safeParse(wire).success).toBe(true);
  });

  it('keeps ttlMs null for unlimited and leaves pollIntervalMs out when unknown; integers only', () => {
    const wire = encodeCreateTaskResult({ ...base, ttlMs: null, pollIntervalMs: undefined });
    expect(wire.ttlMs).toBeNull();
    expect(wire).not.toHaveProperty('pollIntervalMs');
    const rounded = encodeCreateTaskResult({ ...base, ttlMs: 1000.4, pollIntervalMs: 999.6 });
    expect([rounded.ttlMs, rounded.pollIntervalMs]).toEqual([1000, 1000]);
    expect(CreateTaskResultV2Schema.safeParse(rounded).success).toBe(true);
  });

  it('never carries a result, an error or input requests, whatever the state holds', () => {
    const wire = encodeCreateTaskResult({ ...base, status: 'completed', result: { content: [] }, error: { code: 1, message: 'x' } });
    expect(Object.keys(wire).sort()).toEqual(['createdAt', 'lastUpdatedAt', 'pollIntervalMs', 'resultType', 'status', 'taskId', 'ttlMs']);
  });
});

describe('tasks/get (detailed task)', () => {
  it('working: the task, resultType "complete"', () => {
    const wire = encodeGetTaskResult(base);
    expect(wire).toMatchObject({ resultType: 'complete', status: 'working', taskId: 'abc' });
    expect(wire).not.toHaveProperty('result');
    expect(GetTaskResultV2Schema.safeParse(wire).success).toBe(true);
  });

  it('completed: the tool result inlined, itself a complete result (resultType and content)', () => {
    const wire = encodeGetTaskResult({ ...base, status: 'completed', result: { structuredContent: { deleted: 42 }, content: [{ type: 'text', text: '{"deleted":42}' }] } });
    expect(wire.result).toEqual({ resultType: 'complete', structuredContent: { deleted: 42 }, content: [{ type: 'text', text: '{"deleted":42}' }] });
    expect(GetTaskResultV2Schema.safeParse(wire).success).toBe(true);
    // What settle() parses the inlined result with: it fails without resultType "complete".
    expect(CallToolResultV2Schema.safeParse(wire.result).success).toBe(true);
    expect(CallToolResultV2Schema.safeParse({ content: [] }).success).toBe(false);
  });

  it('completed with an isError tool result stays completed (a tool error is not a JSON-RPC failure)', () => {
    const wire = encodeGetTaskResult({ ...base, status: 'completed', result: { content: [{ type: 'text', text: 'no' }], isError: true } });
    expect(wire.status).toBe('completed');
    expect(wire.result).toMatchObject({ isError: true, resultType: 'complete' });
    expect(CallToolResultV2Schema.safeParse(wire.result).success).toBe(true);
  });

  it('completed without a stored result still inlines a valid empty result', () => {
    const wire = encodeGetTaskResult({ ...base, status: 'completed' });
    expect(wire.result).toEqual({ resultType: 'complete', content: [] });
    expect(GetTaskResultV2Schema.safeParse(wire).success).toBe(true);
  });

  it('failed: the JSON-RPC error inlined; without one, an internal error carrying the status message', () => {
    const wire = encodeGetTaskResult({ ...base, status: 'failed', statusMessage: 'Backend exploded', error: { code: -32603, message: 'Backend exploded', data: { retry: false } } });
    expect(wire.error).toEqual({ code: -32603, message: 'Backend exploded', data: { retry: false } });
    expect(GetTaskResultV2Schema.safeParse(wire).success).toBe(true);
    expect(encodeGetTaskResult({ ...base, status: 'failed', statusMessage: 'lost' }).error).toEqual({ code: -32603, message: 'lost' });
  });

  it('input_required: every outstanding request by key', () => {
    const inputRequests = {
      'input-1': { method: 'elicitation/create', params: { mode: 'form', message: 'Also delete the context?', requestedSchema: { type: 'object', properties: { confirm: { type: 'boolean' } }, required: ['confirm'] } } },
    };
    const wire = encodeGetTaskResult({ ...base, status: 'input_required', inputRequests });
    expect(wire.inputRequests).toEqual(inputRequests);
    expect(GetTaskResultV2Schema.safeParse(wire).success).toBe(true);
    expect(encodeGetTaskResult({ ...base, status: 'input_required' }).inputRequests).toEqual({});
  });

  it('cancelled: the task and its reason, nothing else', () => {
    const wire = encodeGetTaskResult({ ...base, status: 'cancelled', statusMessage: 'Cancelled by the client', result: { content: [] } });
    expect(wire).not.toHaveProperty('result');
    expect(wire.statusMessage).toBe('Cancelled by the client');
    expect(GetTaskResultV2Schema.safeParse(wire).success).toBe(true);
  });

  it('notifications/tasks carries the same detailed task, without resultType', () => {
    const state: ExtTaskState = { ...base, status: 'completed', result: { content: [] } };
    const params = encodeDetailedTask(state);
    expect(params).not.toHaveProperty('resultType');
    expect({ resultType: 'complete', ...params }).toEqual(encodeGetTaskResult(state));
    expect(TaskStatusNotificationParamsV2Schema.safeParse(params).success).toBe(true);
  });
});

describe('tasks/update and tasks/cancel', () => {
  it('acknowledge with an empty complete result', () => {
    expect(encodeAcknowledgement()).toEqual({ resultType: 'complete' });
    expect(UpdateTaskResultV2Schema.safeParse(encodeAcknowledgement()).success).toBe(true);
    expect(CancelTaskResultV2Schema.safeParse(encodeAcknowledgement()).success).toBe(true);
  });
});
