// The demo server as a child process: started, killed for real (SIGKILL) and started again on the
// same port and data, so a client finds it where it was.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./server.js', import.meta.url));
const START_TIMEOUT_MS = 60_000;

export interface ServerProcessOptions {
  dataDir: string;
  token: string;
  /** 0 (default): any free port. */
  port?: number;
}

export class ServerProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    readonly pid: number,
    private readonly exited: Promise<void>,
    private readonly stderr: { text: string },
  ) {}

  /** Starts the server and resolves once it listens. */
  static async start(options: ServerProcessOptions): Promise<ServerProcess> {
    const child = spawn(process.execPath, [SCRIPT, options.dataDir], {
      env: { ...process.env, HEADWAY_DEMO_TOKEN: options.token, PORT: String(options.port ?? 0) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stderr = { text: '' };
    child.stderr!.on('data', (chunk: Buffer) => void (stderr.text = (stderr.text + chunk.toString()).slice(-4_000)));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const ready = await new Promise<{ url: string; pid: number }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the demo server did not start within ${START_TIMEOUT_MS / 1000} s${tail(stderr.text)}`)), START_TIMEOUT_MS);
      createInterface({ input: child.stdout! }).once('line', (line) => {
        clearTimeout(timer);
        try {
          resolve(JSON.parse(line) as { url: string; pid: number });
        } catch {
          reject(new Error(`the demo server said ${JSON.stringify(line)} instead of its address${tail(stderr.text)}`));
        }
      });
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`the demo server exited (code ${child.exitCode ?? child.signalCode}) before it listened${tail(stderr.text)}`));
      });
    });
    return new ServerProcess(child, ready.url, ready.pid, exited, stderr);
  }

  get port(): number {
    return Number(new URL(this.url).port);
  }

  /** What the server wrote on stderr lately (for error messages). */
  errors(): string {
    return tail(this.stderr.text);
  }

  /** Kills the process at once, as a crash would (no shutdown, no flush). */
  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** Asks it to shut down (SIGTERM); kills it after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

function tail(stderr: string): string {
  const text = stderr.trim();
  return text ? `:\n${text}` : '';
}
