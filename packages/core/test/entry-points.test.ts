// Each entry point's exported names, pinned: the public surface changes only on purpose.
import { describe, expect, it } from 'vitest';
import * as compat from '../src/compat.js';
import * as core from '../src/index.js';
import * as spi from '../src/spi.js';
import * as testing from '../src/testing.js';

const names = (module: object) => Object.keys(module).sort();

describe('entry points', () => {
  it('@headway/core: the manager, its errors and what tasks and sinks use', () => {
    expect(names(core)).toEqual([
      'ANY_OWNER',
      'DependencyFailedError',
      'HeadwayError',
      'InputTimeoutError',
      'InputUnavailableError',
      'InterruptedError',
      'InvalidArgumentError',
      'LOG_LEVELS',
      'NonRetryableError',
      'ShutdownError',
      'StoreWriteError',
      'TASK_EVENT_TYPES',
      'TASK_STATUSES',
      'TaskCancelledError',
      'TaskFailedError',
      'TaskHandle',
      'TaskLimitError',
      'TaskManager',
      'TaskNotFoundError',
      'TaskResultError',
      'TaskTimeoutError',
      'UnknownKindError',
      'WorkerThreadExecutor',
      'isTerminal',
      'isTerminalEvent',
      'lifecycleLine',
    ]);
  });

  it('@headway/core/spi: the seams and what their writers need', () => {
    expect(names(spi)).toEqual([
      'ACTIVE_STATUSES',
      'DEFAULT_PAGE_SIZE',
      'DEFAULT_RETRY',
      'InProcessExecutor',
      'InProcessScheduler',
      'MAX_PAGE_SIZE',
      'MemoryTaskStore',
      'PackedBatch',
      'PackedRecord',
      'TERMINAL_STATUSES',
      'activeLimitError',
      'backoffDelay',
      'checkPageSize',
      'createTaskContext',
      'decodeCursor',
      'describeValue',
      'encodeCursor',
      'isPromiseLike',
      'isRetryable',
      'isTaskIdShape',
      'loadModuleHandler',
      'newTaskId',
      'recordJson',
      'resolveProgressOptions',
      'resolveRetry',
      'terminalEventOf',
      'toErrorInfo',
    ]);
  });

  it("@headway/core/compat: the seed brief's names", () => {
    expect(names(compat)).toEqual([
      'EnhancedTaskManager',
      'ProgressReporter',
      'TaskType',
      'configureTaskManager',
      'createContextAwareTask',
      'enhancedTaskManager',
      'seedContext',
      'taskManager',
    ]);
  });

  it('@headway/core/testing: the conformance kits', () => {
    expect(names(testing)).toEqual(['describeScheduler', 'describeTaskStore', 'sampleRecord']);
  });

  it('the manager exposes neither its store nor its hub, nor internal methods', () => {
    const manager = new core.TaskManager();
    const own = [...Object.keys(manager), ...Object.getOwnPropertyNames(Object.getPrototypeOf(manager))].sort();
    expect(own).toEqual(['cancel', 'constructor', 'create', 'defaultOwner', 'define', 'execute', 'flush', 'get', 'handle', 'list', 'respond', 'shutdown', 'start', 'stats', 'wait', 'watch']);
  });
});
