import { lifecycleLine } from '@headway/core';
import type { Reporter, TaskEvent } from '@headway/core';
import { ProgressBar } from './progress-bar.js';

/** A sink that draws each progress event as a bar on the terminal and prints the lifecycle log. */
export function terminalReporter(): Reporter {
  const bar = new ProgressBar();
  return {
    name: 'terminal',
    onEvent(event: TaskEvent) {
      if (event.type === 'progress') {
        const eta = event.etaMs !== undefined && event.progress < 100 ? ` eta ${(event.etaMs / 1000).toFixed(1)}s` : '';
        bar.update(event.progress, 100, `${event.phase ? `${event.phase}: ` : ''}${event.message ?? ''}${eta}`);
        return;
      }
      if (event.type === 'log') {
        bar.log(`${event.level.padEnd(7)} ${event.message}${event.data ? ` ${JSON.stringify(event.data)}` : ''}`);
      } else if (event.type === 'phase') {
        bar.log(`phase   ${event.state === 'started' ? '▶' : '✓'} ${event.path.join(' › ')}`);
      } else {
        const line = lifecycleLine(event);
        if (line) bar.log(`${line.level.padEnd(7)} ${line.message}`);
        if (event.type === 'completed' || event.type === 'failed' || event.type === 'cancelled') bar.done();
      }
    },
  };
}
