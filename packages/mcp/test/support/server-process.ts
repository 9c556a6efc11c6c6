import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';

/** An HTTP MCP server running in its own process, as a client on another machine would meet it. */
export interface ServerProcess {
  readonly url: URL;
  readonly child: ChildProcess;
  /** Everything it wrote so far (stdout and stderr), for failure messages. */
  output(): string;
  /** Sends the signal and waits for the exit; SIGKILL is a crash (nothing flushed, no handlers). */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface ServerProcessOptions {
  /** The script to run with this Node, e.g. `examples/dist/schema-registry/http.js`. */
  script: string;
  args?: readonly string[];
  env?: Readonly<Record<string, string>>;
  /** Port to listen on; 0 (default) picks one. Pass the old one to restart "the same server". */
  port?: number;
  /** The line that says it is ready; its first group is the endpoint URL. */
  ready?: RegExp;
  timeoutMs?: number;
}

const READY = /listening on (http:\/\/\S+)/;

/** Spawns the server and resolves once it prints its endpoint. */
export function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const child = spawn(process.execPath, [options.script, ...(options.args ?? [])], {
    env: { ...process.env, ...options.env, PORT: String(options.port ?? 0) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`no ready line within ${options.timeoutMs ?? 15_000} ms`)), options.timeoutMs ?? 15_000);
    const fail = (error: Error) => {
      clearTimeout(timer);
      void stop('SIGKILL');
      reject(new Error(`${error.message}\n--- server output ---\n${output}`));
    };
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = (options.ready ?? READY).exec(output);
      if (!match?.[1]) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stdout?.on('data', (more: Buffer) => (output += more.toString()));
      resolve({ url: new URL(match[1]), child, output: () => output, stop });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code, signal) => fail(new Error(`exited before ready (code ${code}, signal ${signal})`)));
  });
}
