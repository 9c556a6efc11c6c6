import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { figuresText, ProgressBoard } from '../src/progress-bar.js';
import { spawnChild } from './support/child-process.js';
import { screenOf } from './support/screen.js';

// The built demo, run as `npm run demo` runs it, with --exit so that it ends.
const demoScript = fileURLToPath(new URL('../dist/demo.js', import.meta.url));
const RUN_TIMEOUT_MS = 240_000;

async function runDemo(command: string, args: string[]): Promise<{ code: number | null; output: string }> {
  const child = spawnChild(command, args, { env: { ...process.env, HEADWAY_DEMO_EXIT: '1' } }, 2_000_000);
  const timer = setTimeout(() => child.process.kill('SIGKILL'), RUN_TIMEOUT_MS - 10_000);
  await child.exited;
  clearTimeout(timer);
  return { code: child.process.exitCode, output: child.output() };
}

/** Checks the story the demo told, line by line, and returns what it said about the restart. */
function checkStory(lines: readonly string[]): void {
  const find = (pattern: RegExp): RegExpExecArray => {
    for (const line of lines) {
      const match = pattern.exec(line);
      if (match) return match;
    }
    throw new Error(`no line matches ${pattern}:\n${lines.join('\n')}`);
  };
  const dataDir = find(/FileTaskStore under (\S+);/)[1]!;
  find(/^\[1\/5\] Live progress/);
  find(/✓ alpha: completed .* 24 items written$/);
  find(/✓ beta: completed .* 32 items written$/);
  find(/^\[2\/5\] Past the inline budget/);
  const handle = find(/→ gamma: the call answered after [\d.]+ s with a handle \(promoted: true\): task (\S+) is working at (\d+)%$/);
  expect(Number(handle[2])).toBeLessThan(100);
  find(/✓ gamma: completed in the background after .*task_wait returned its result \(70 items written\)$/);
  find(/^\[3\/5\] Protocol 2026-07-28: a client that declares the tasks extension/);
  find(/→ zeta: after [\d.]+ s the call answered resultType "task" \(the client declared io\.modelcontextprotocol\/tasks\); polling tasks\/get$/);
  const statusLine = find(/· zeta: tasks\/get working: Processing – item \d+: (\d+)\/60 \((\d+) %\), (a few seconds|about \d+ s) left$/);
  expect(Number(statusLine[1])).toBeLessThan(60);
  find(/✓ zeta: the extension task completed after [\d.]+ s; tasks\/get carried its result \(60 items written\)$/);
  find(/^\[4\/5\] Cancellation/);
  const cancelled = find(/✓ delta: task_cancel stopped it at (\d+)%; task_status says cancelled \(Cancelled from the demo client\)$/);
  expect(Number(cancelled[1])).toBeLessThan(100);
  find(/^\[5\/5\] Crash and resume/);
  const started = find(/→ epsilon: start_batch answered at once: task (\S+) is/)[1];
  const killed = find(/✗ server pid (\d+) killed with SIGKILL; epsilon was last seen at (\d+)% \(.*\) and worked on until the kill$/);
  const restarted = find(/↻ server started again \(pid (\d+), same port, same store\): task_status finds task (\S+), (?:queued|working) at (\d+)%$/);
  expect(restarted[1]).not.toBe(killed[1]);
  expect(restarted[2]).toBe(started);
  // (Its progress then may be a little below what was seen before the kill: a progress write in flight may be lost; checkpoints are not.)
  const resumed = find(/✓ epsilon: completed, resumed from its checkpoint after item (\d+) of 50 \((\d+) items processed after the restart; 50 of 50 item files on disk\)$/);
  expect(Number(resumed[1])).toBeGreaterThan(0);
  expect(Number(resumed[1]) + Number(resumed[2])).toBe(50);
  // With --exit, no address of a server that is gone: what /metrics held, then that it stopped.
  const done = find(/^Done: every task above was on record; \/metrics answered with (\d+) headway_\* samples \(the restarted process's counters\)\. The server is stopped and its data removed \(--exit\)\.$/);
  expect(Number(done[1])).toBeGreaterThan(0);
  expect(lines.some((line) => /dashboard|Bearer/.test(line))).toBe(false);
  // Both server processes are gone, and so is the data directory.
  for (const pid of [killed[1], restarted[1]]) expect(() => process.kill(Number(pid), 0)).toThrow();
  expect(existsSync(dataDir)).toBe(false);
}

describe('the demo (npm run demo)', () => {
  it('piped, tells every step in plain lines: inline bars, a handle, an extension task, a cancel, a SIGKILL and a resume from a checkpoint, then what /metrics held', { timeout: RUN_TIMEOUT_MS }, async () => {
    const { code, output } = await runDemo(process.execPath, [demoScript, '--exit']);
    expect(code, output).toBe(0);
    expect(output).not.toMatch(/[\x1b\r]/); // eslint-disable-line no-control-regex -- no escape codes, no carriage returns
    checkStory(output.split('\n'));
  });

  const hasScript = spawnSync('script', ['--version']).status === 0;
  it.skipIf(!hasScript)('on a terminal (a pseudo-terminal from script(1)), redraws its bars in place and leaves the same story on the screen', { timeout: RUN_TIMEOUT_MS }, async () => {
    const { code, output } = await runDemo('script', ['-qec', `${JSON.stringify(process.execPath)} ${JSON.stringify(demoScript)}`, '/dev/null']);
    expect(code, output).toBe(0);
    // Bars went back up and were redrawn many times, with percentages and an ETA.
    expect(output.match(/\x1b\[\d+F\x1b\[0J/g)?.length ?? 0).toBeGreaterThan(20); // eslint-disable-line no-control-regex -- the board's redraw sequence
    // epsilon follows its task through task_status, whose statusMessage is the status line (phase – item: counts (percent), ETA);
    // the bar draws it after its fill, adding no figures of its own, and is cut to the terminal's width.
    expect(output).toMatch(/epsilon +\[[█░]{24}\] Processing – item \d+: \d+\/50 \(\d+ %\)(, (a few seconds|about \d+ (s|min)) left)?/);
    // Every bar line, as drawn: one percent and at most one ETA.
    const barLinesOf = (text: string) => text.split(/\x1b\[\d+F\x1b\[0J|\r?\n/).filter((line) => /^ {4}\S+ +\[[█░]{24}\]/.test(line)); // eslint-disable-line no-control-regex -- the board's redraw sequence
    const barLines = barLinesOf(output);
    expect(barLines.length).toBeGreaterThan(20);
    for (const line of barLines) {
      expect((line.match(/%/g) ?? []).length, line).toBeLessThanOrEqual(1);
      expect((line.match(/ETA| left\b/g) ?? []).length, line).toBeLessThanOrEqual(1);
    }
    // After the restart the resumed task's phase spans the items left: its line says where the batch
    // stands ("item 33 of 50") and shows no count that started again from 1.
    const restart = output.indexOf('↻ server started again');
    expect(restart).toBeGreaterThan(0);
    const resumed = barLinesOf(output.slice(restart)).filter((line) => line.includes('epsilon') && line.includes('Processing'));
    expect(resumed.some((line) => / – item \d+ of 50: /.test(line))).toBe(true);
    for (const line of resumed) {
      // (Polled right after the phase opened, before its first item: no message yet.)
      expect(line).toMatch(/Processing(?: – item (\d+) of 50)?: \d+ %/);
      expect(line).not.toMatch(/\d+\/\d+/);
    }
    const screen = screenOf(output);
    // No bar is left on the screen at the end: each finished bar became its result line.
    expect(screen.filter((line) => /\[[█░]{24}\]/.test(line))).toEqual([]);
    checkStory(screen);
  });
});

describe('Ctrl-C (npm run demo)', () => {
  it('stops the server and exits 0, though npm forwards its own copy of the SIGINT the terminal sent', { timeout: 60_000 }, async () => {
    const child = spawnChild(process.execPath, [demoScript], { env: { ...process.env, HEADWAY_DEMO_EXIT: '0' } });
    try {
      // Once the server runs and the first step started.
      await new Promise<void>((resolve) => {
        const started = () => /^\[1\/5\]/m.test(child.output()) && resolve();
        child.process.stdout!.on('data', started);
      });
      const pid = Number(/in its own process \(pid (\d+)\)/.exec(child.output())![1]);
      const dataDir = /FileTaskStore under (\S+);/.exec(child.output())![1]!;
      // The terminal's SIGINT, then npm's copy of it a moment later.
      child.process.kill('SIGINT');
      await new Promise((resolve) => setTimeout(resolve, 50));
      child.process.kill('SIGINT');
      await child.exited;
      expect([child.process.exitCode, child.process.signalCode], child.output()).toEqual([0, null]);
      expect(child.output()).toContain('Stopping the server…');
      expect(() => process.kill(pid, 0)).toThrow();
      expect(existsSync(dataDir)).toBe(false);
    } finally {
      await child.stop();
    }
  });
});

describe('figuresText', () => {
  it('words a status line from the numbers: the percent floored, as the bar fills, and the ETA only below 100', () => {
    expect(figuresText(59.6, 'Hashing: src/a.ts', 2_300)).toBe(' 59% Hashing: src/a.ts · ETA 2.3 s');
    expect(figuresText(100, 'Done', 0)).toBe('100% Done');
    expect(figuresText(5, '')).toBe('  5%');
  });
});

describe('ProgressBoard', () => {
  function board(live: boolean): { board: ProgressBoard; written: () => string } {
    let written = '';
    const out = { isTTY: live, columns: 80, write: (text: string) => void (written += text) } as unknown as NodeJS.WriteStream;
    return { board: new ProgressBoard(out, live), written: () => written };
  }

  it('not on a terminal, prints only lines: bars draw nothing', () => {
    const { board: b, written } = board(false);
    b.print('step 1');
    const bar = b.bar('alpha');
    bar.update(50, 'half');
    bar.done('alpha done');
    bar.update(60, 'ignored after done');
    expect(written()).toBe('step 1\nalpha done\n');
  });

  it('on a terminal, keeps one line per bar under the printed lines, cut to the width', () => {
    const { board: b, written } = board(true);
    b.print('step 1');
    const alpha = b.bar('alpha');
    const beta = b.bar('beta');
    alpha.update(50, 'Processing: 5/10 (50 %), 3 s left');
    beta.update(10, `a long message ${'x'.repeat(80)}`);
    b.print('a line above the bars');
    let screen = screenOf(written());
    expect(screen).toHaveLength(4);
    expect(screen.slice(0, 2)).toEqual(['step 1', 'a line above the bars']);
    // The bar adds no figures to its text: one percent, one ETA.
    expect(screen[2]).toBe('    alpha    [████████████░░░░░░░░░░░░] Processing: 5/10 (50 %), 3 s left');
    expect(screen[3]).toHaveLength(79);
    expect(screen[3]!.endsWith('…')).toBe(true);
    alpha.done('alpha done');
    screen = screenOf(written());
    expect(screen.slice(0, 3)).toEqual(['step 1', 'a line above the bars', 'alpha done']);
    expect(screen).toHaveLength(4);
    expect(screen[3]).toMatch(/^ {4}beta/);
    beta.done();
    expect(screenOf(written())).toEqual(['step 1', 'a line above the bars', 'alpha done']);
  });
});
