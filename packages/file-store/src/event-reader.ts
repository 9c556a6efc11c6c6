import { readdir, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InvalidArgumentError } from '@headway/core';
import type { TaskEvent } from '@headway/core';
import { StoreCorruptionError } from './errors.js';
import { eventFiles } from './event-files.js';

export interface ReadEventsOptions {
  /** Called when the newest file ends in a torn line (skipped). Default: `process.emitWarning`. */
  onWarning?: (message: string) => void;
}

/**
 * Every event in an event-log directory, oldest first. A torn last line of the newest file is
 * skipped with a warning; any other unreadable line throws `StoreCorruptionError`.
 */
export async function* readEvents(directory: string, options: ReadEventsOptions = {}): AsyncGenerator<TaskEvent> {
  if (typeof directory !== 'string' || directory.length === 0) throw new InvalidArgumentError('directory', directory, 'a non-empty directory path');
  const warn = options.onWarning ?? ((message: string) => process.emitWarning(message, { code: 'HEADWAY_FILE_EVENT_LOG' }));
  const dir = resolve(directory);
  const files = eventFiles(dir, await readdir(dir));
  for (const [i, file] of files.entries()) {
    const buf = await readFile(file.path);
    const newest = i === files.length - 1;
    let offset = 0;
    while (offset < buf.length) {
      let end = buf.indexOf(0x0a, offset);
      if (end === -1) {
        if (newest) {
          warn(`Skipped a torn last line in ${file.path} at byte offset ${offset}`);
          return;
        }
        end = buf.length;
      }
      let event: TaskEvent;
      try {
        event = JSON.parse(buf.toString('utf8', offset, end)) as TaskEvent;
      } catch {
        throw new StoreCorruptionError(file.path, offset, 'line is not valid JSON');
      }
      if (typeof event !== 'object' || event === null || typeof event.taskId !== 'string' || typeof event.type !== 'string') {
        throw new StoreCorruptionError(file.path, offset, 'line is not a task event');
      }
      yield event;
      offset = end + 1;
    }
  }
}

/** The events of one task, in the order they happened. */
export async function readTaskHistory(directory: string, taskId: string, options: ReadEventsOptions = {}): Promise<TaskEvent[]> {
  if (typeof taskId !== 'string' || taskId.length === 0) throw new InvalidArgumentError('taskId', taskId, 'a non-empty task id');
  const events: TaskEvent[] = [];
  for await (const event of readEvents(directory, options)) if (event.taskId === taskId) events.push(event);
  return events;
}
