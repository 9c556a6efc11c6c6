import { lifecycleLine } from '@headway/core';
import type { Reporter, TaskEvent } from '@headway/core';

const WIDTH = 30;
const tty = process.stdout.isTTY;

/** A sink that draws a progress bar per task on the terminal and prints the lifecycle log. */
export function terminalReporter(): Reporter {
  let barShown = false;
  const clearBar = () => {
    if (barShown && tty) process.stdout.write('\r\x1b[2K');
    barShown = false;
  };
  return {
    name: 'terminal',
    onEvent(event: TaskEvent) {
      if (event.type === 'progress') {
        const filled = Math.round((event.progress / 100) * WIDTH);
        const bar = `${'█'.repeat(filled)}${'░'.repeat(WIDTH - filled)}`;
        const eta = event.etaMs !== undefined && event.progress < 100 ? ` eta ${(event.etaMs / 1000).toFixed(1)}s` : '';
        const line = `  [${bar}] ${event.progress.toFixed(1).padStart(5)}% ${event.phase ? `${event.phase}: ` : ''}${event.message ?? ''}${eta}`;
        if (tty) {
          process.stdout.write(`\r\x1b[2K${line.slice(0, process.stdout.columns - 1)}`);
          barShown = true;
        } else console.log(line);
        return;
      }
      const line = lifecycleLine(event);
      if (event.type === 'log') {
        clearBar();
        console.log(`  ${event.level.padEnd(7)} ${event.message}${event.data ? ` ${JSON.stringify(event.data)}` : ''}`);
      } else if (event.type === 'phase') {
        clearBar();
        console.log(`  phase   ${event.state === 'started' ? '▶' : '✓'} ${event.path.join(' › ')}`);
      } else if (line) {
        clearBar();
        console.log(`  ${line.level.padEnd(7)} ${line.message}`);
      }
    },
  };
}
