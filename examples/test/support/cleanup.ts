// Steps to undo after each test (servers to stop, clients to close, directories to remove), run in
// reverse order once the test ended, whatever its outcome.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';

export interface Cleanup {
  /** Runs `step` after the current test. */
  defer(step: () => Promise<unknown> | unknown): void;
  /** A new temporary directory, removed after the current test. */
  tempDir(prefix: string): string;
}

/** Call at the top level of a test file. */
export function useCleanup(): Cleanup {
  const steps: (() => Promise<unknown> | unknown)[] = [];
  afterEach(async () => {
    for (const step of steps.splice(0).reverse()) await step();
  });
  return {
    defer: (step) => void steps.push(step),
    tempDir: (prefix) => {
      const dir = mkdtempSync(join(tmpdir(), prefix));
      steps.push(() => rmSync(dir, { recursive: true, force: true }));
      return dir;
    },
  };
}
