import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnChild } from './support/child-process.js';

// The README's five-minute tutorial is these files (src/tutorial/), built: each runs as the README says.
const built = (name: string) => fileURLToPath(new URL(`../dist/tutorial/${name}`, import.meta.url));

// Where the tutorial's server keeps its tasks (the README says so): in the checkout, ignored by git.
// Removed at the end unless it was there before (the reader's own tutorial data).
const dataRoot = fileURLToPath(new URL('../.headway-data', import.meta.url));
const dataDir = join(dataRoot, 'tutorial');
const lockFile = join(dataDir, 'LOCK');
const created = existsSync(dataRoot) ? (existsSync(dataDir) ? undefined : dataDir) : dataRoot;
afterAll(() => {
  if (created) rmSync(created, { recursive: true, force: true });
});

async function run(script: string): Promise<string> {
  const child = spawnChild(process.execPath, [built(script)]);
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

  it('steps 2–4: the client starts the stdio server and sees strictly increasing progress, then the result; the server leaves no lock behind', { timeout: 60_000 }, async () => {
    const lines = (await run('client.js')).trim().split('\n');
    expect(lines).toContain('100/100 Resized c.png');
    expect(lines.at(-1)).toBe('{ resized: 3 }');
    const seen = percentages(lines, /^([\d.]+)\/100/);
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(seen.every((p, i) => i === 0 || p > seen[i - 1]!)).toBe(true);
    // client.close() ended the server's stdin and waited for it: it closed its store on the way out.
    expect(existsSync(dataDir)).toBe(true);
    expect(existsSync(lockFile)).toBe(false);
  });

  it('the stdio server stops when its client closes stdin in the middle of a call: exit code 0, the store closed and its LOCK gone', { timeout: 60_000 }, async () => {
    const server = spawn(process.execPath, [built('server.js')], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    server.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => server.once('exit', (code, signal) => resolve({ code, signal })));
    const messages = createInterface({ input: server.stdout })[Symbol.asyncIterator]();
    const send = (message: object) => server.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`);
    const next = async (matches: (message: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> => {
      for (;;) {
        const { value, done } = await messages.next();
        if (done) throw new Error(`the server closed stdout first; stderr:\n${stderr}`);
        const message = JSON.parse(value as string) as Record<string, unknown>;
        if (matches(message)) return message;
      }
    };

    send({ id: 1, method: 'initialize', params: { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'tutorial-test', version: '0.0.0' } } });
    await next((m) => m.id === 1);
    send({ method: 'notifications/initialized' });
    // 100 images at 500 ms each: the task would run for about 50 s, past the test's timeout.
    const images = Array.from({ length: 100 }, (_, i) => `image-${i}.png`);
    send({ id: 2, method: 'tools/call', params: { name: 'resize_images', arguments: { images }, _meta: { progressToken: 'resize' } } });
    await next((m) => m.method === 'notifications/progress' && String((m.params as { message?: string }).message).startsWith('Resized'));
    expect(existsSync(lockFile)).toBe(true); // the store is open, a task runs

    server.stdin.end(); // the client went away
    expect(await exited, stderr).toEqual({ code: 0, signal: null });
    expect(existsSync(lockFile)).toBe(false);
  });
});
