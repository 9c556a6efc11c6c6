import { describe, expect, it } from 'vitest';
import { CLIENT_CAPABILITIES_META_KEY as SDK_CLIENT_CAPABILITIES_META_KEY, MissingRequiredClientCapabilityError } from '@modelcontextprotocol/server';
import {
  CLIENT_CAPABILITIES_META_KEY,
  declaresTasksExtension,
  missingTasksExtensionError,
  taskNotFoundError,
  tasksExtensionCapability,
} from '../src/ext-tasks-negotiation.js';
import { TASKS_EXTENSION_ID } from '../src/ext-tasks-wire.js';

const declared = (extensions: unknown) => ({ [CLIENT_CAPABILITIES_META_KEY]: { extensions } });

describe('the client declaration, per request', () => {
  it('uses the key the SDK exports, and the extension id of the spec', () => {
    expect(CLIENT_CAPABILITIES_META_KEY).toBe(SDK_CLIENT_CAPABILITIES_META_KEY);
    expect(TASKS_EXTENSION_ID).toBe('io.modelcontextprotocol/tasks');
  });

  it('is an object under extensions["io.modelcontextprotocol/tasks"]', () => {
    expect(declaresTasksExtension(declared({ [TASKS_EXTENSION_ID]: {} }))).toBe(true);
    expect(declaresTasksExtension(declared({ [TASKS_EXTENSION_ID]: { future: 1 }, 'other/ext': {} }))).toBe(true);
  });

  it('is absent for anything else: no meta, no capabilities, another extension, a non-object value', () => {
    for (const meta of [undefined, null, 'x', {}, { [CLIENT_CAPABILITIES_META_KEY]: {} }, declared(undefined), declared({ 'other/ext': {} }), declared({ [TASKS_EXTENSION_ID]: true }), declared({ [TASKS_EXTENSION_ID]: null }), declared({ [TASKS_EXTENSION_ID]: [] }), declared([])]) {
      expect(declaresTasksExtension(meta)).toBe(false);
    }
  });
});

describe('what the server says', () => {
  it('advertises the extension with an empty object (server/discover capabilities)', () => {
    expect(tasksExtensionCapability()).toEqual({ extensions: { 'io.modelcontextprotocol/tasks': {} } });
  });

  it('-32021 names the missing extension in data.requiredCapabilities, like the SDK error class', () => {
    const error = missingTasksExtensionError();
    expect(error).toEqual({ code: -32021, message: 'Missing required client capability', data: { requiredCapabilities: { extensions: { 'io.modelcontextprotocol/tasks': {} } } } });
    const sdk = new MissingRequiredClientCapabilityError({ requiredCapabilities: { extensions: { [TASKS_EXTENSION_ID]: {} } } });
    expect([sdk.code, sdk.data]).toEqual([error.code, error.data]);
    expect(missingTasksExtensionError('Tool x runs only as a task').message).toBe('Tool x runs only as a task');
  });

  it('an unknown, expired or foreign task is -32602, with one message for all', () => {
    expect(taskNotFoundError()).toEqual({ code: -32602, message: 'Failed to retrieve task: Task not found' });
  });
});
