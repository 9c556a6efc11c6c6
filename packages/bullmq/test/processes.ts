import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
export const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

/** A Node process of the fleet: started, waited on until it says it is ready, killed at will. */
export class NodeProcess {
  private text = '';
  private constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    child.stdout!.on('data', (d: Buffer) => void (this.text += d.toString()));
    child.stderr!.on('data', (d: Buffer) => void (this.text += d.toString()));
  }

  /** Runs `node <args>` and resolves once its output matches every one of `ready`. */
  static async start(name: string, args: readonly string[], env: Record<string, string>, ready: readonly RegExp[], timeoutMs = 30_000): Promise<NodeProcess> {
    const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const proc = new NodeProcess(name, child);
    const deadline = Date.now() + timeoutMs;
    while (!ready.every((r) => r.test(proc.text))) {
      if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}) before it was ready:\n${proc.text}`);
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`${name} not ready within ${timeoutMs} ms:\n${proc.text}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    return proc;
  }

  get pid(): number {
    return this.child.pid!;
  }

  output(): string {
    return this.text;
  }

  /** The first group of the first line matching `pattern`. */
  match(pattern: RegExp): string {
    const found = pattern.exec(this.text);
    if (!found) throw new Error(`${this.name}: no ${pattern} in its output:\n${this.text}`);
    return found[1]!;
  }

  /** Sends `signal` (SIGKILL: a crash) and waits for the exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill(signal);
    await exited;
  }
}
