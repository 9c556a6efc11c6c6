import { lifecycleLine } from '@headway/core';
import type { Reporter, TaskEvent } from '@headway/core';
import { figuresText, ProgressBoard } from './progress-bar.js';
import type { Bar } from './progress-bar.js';

/** A sink that draws a live bar per running task on the terminal and prints the lifecycle log above them. */
export function terminalReporter(board: ProgressBoard = new ProgressBoard()): Reporter {
  const bars = new Map<string, Bar>();
  const barOf = (event: TaskEvent): Bar => {
    let bar = bars.get(event.taskId);
    if (!bar) bars.set(event.taskId, (bar = board.bar(event.kind)));
    return bar;
  };
  return {
    name: 'terminal',
    onEvent(event: TaskEvent) {
      if (event.type === 'progress') {
        const label = [event.phase, event.message].filter((part) => part !== undefined && part.length > 0).join(': ');
        barOf(event).update(event.progress, figuresText(event.progress, label, event.etaMs));
        return;
      }
      if (event.type === 'log') {
        board.print(`  ${event.level.padEnd(7)} ${event.message}${event.data ? ` ${JSON.stringify(event.data)}` : ''}`);
      } else if (event.type === 'phase') {
        board.print(`  phase   ${event.state === 'started' ? '▶' : '✓'} ${event.path.join(' › ')}`);
      } else {
        const line = lifecycleLine(event);
        const text = line ? `  ${line.level.padEnd(7)} ${line.message}` : undefined;
        if (event.type === 'completed' || event.type === 'failed' || event.type === 'cancelled') {
          bars.get(event.taskId)?.done();
          bars.delete(event.taskId);
        }
        if (text) board.print(text);
      }
    },
  };
}
