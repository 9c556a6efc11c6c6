import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { spawnChild } from './support/child-process.js';

// The README's five-minute tutorial is these files (src/tutorial/), built: each runs as the README says.
const built = (name: string) => fileURLToPath(new URL(`../dist/tutorial/${name}`, import.meta.url));

async function run(script: string, env: Record<string, string> = {}): Promise<string> {
  const child = spawnChild(process.execPath, [built(script)], { env: { ...process.env, ...env } });
  await child.exited;
  expect(child.process.exitCode, child.output()).toBe(0);
  return child.output();
}

function percentages(lines: string[], pattern: RegExp): number[] {
  return lines.flatMap((line) => {
    const match = pattern.exec(line);
    return match ? [Number(match[1])] : [];
  });
}

describe('the README tutorial', () => {
  it('step 1: the core task reports its phases and resolves with its result', { timeout: 60_000 }, async () => {
    const lines = (await run('core.js')).trim().split('\n');
    expect(lines).toContain('5% Checking the images');
    expect(lines).toContain('100% Resized c.png');
    expect(lines.at(-1)).toBe('{ resized: 3 }');
    const seen = percentages(lines, /^(\d+)% /);
    expect(seen.every((p, i) => i === 0 || p >= seen[i - 1]!)).toBe(true);
  });

  it('steps 2–4: the client starts the stdio server and sees strictly increasing progress, then the result', { timeout: 60_000 }, async () => {
    const tasksDir = mkdtempSync(join(tmpdir(), 'headway-tutorial-'));
    try {
      // The SDK's stdio transport hands the server HOME (not the whole environment): the tutorial's data goes there.
      const lines = (await run('client.js', { HOME: tasksDir })).trim().split('\n');
      expect(lines).toContain('100/100 Resized c.png');
      expect(lines.at(-1)).toBe('{ resized: 3 }');
      const seen = percentages(lines, /^([\d.]+)\/100/);
      expect(seen.length).toBeGreaterThanOrEqual(3);
      expect(seen.every((p, i) => i === 0 || p > seen[i - 1]!)).toBe(true);
    } finally {
      rmSync(tasksDir, { recursive: true, force: true });
    }
  });
});
