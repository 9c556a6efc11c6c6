// A child process for tests: its output kept (the tail) for failure messages, and a stop that
// sends SIGTERM, then SIGKILL after a grace period.
import { spawn } from 'node:child_process';
import type { ChildProcess, SpawnOptions } from 'node:child_process';

export interface Child {
  readonly process: ChildProcess;
  readonly exited: Promise<void>;
  running(): boolean;
  /** The last `keepChars` characters of stdout and stderr, interleaved. */
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

export function spawnChild(command: string, args: readonly string[], options: Omit<SpawnOptions, 'stdio'> = {}, keepChars = 50_000): Child {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-keepChars);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    process: child,
    exited,
    running,
    output: () => output,
    async stop(graceMs = 10_000) {
      if (!running()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
