// The distributed example as a user runs it: one command starts two workers and two replicas on
// the real Redis, and its demo client goes through both replicas; without Redis it says so.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';

const START = fileURLToPath(new URL('../dist/distributed/start.js', import.meta.url));
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

function run(env: Record<string, string>, args: string[]): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [START, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => void (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => void (output += d.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}

describe('examples/distributed', () => {
  const prefix = `hwexample-${randomBytes(4).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'headway-distributed-'));
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`{${prefix}}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it('starts two workers and two replicas with one command; a client on A sees progress, B lists what ran', async () => {
    const { code, output } = await run({ REDIS_URL, HEADWAY_PREFIX: prefix, REGISTRY_DIR: join(dir, 'registry'), REGISTRY_LATENCY_MS: '5' }, ['--demo']);
    expect(code, output).toBe(0);
    expect(output).toMatch(/\[worker-1\] worker \d+: ready/);
    expect(output).toMatch(/\[worker-2\] worker \d+: ready/);
    expect(output).toMatch(/\[replica-a\] replica \d+: MCP on http/);
    expect(output).toMatch(/\[replica-b\] replica \d+: MCP on http/);
    expect(output).toMatch(/\[demo\] {3}progress 100%/);
    expect(output).toContain('"subjects_deleted":60');
    expect(output).toMatch(/\[demo\] {3}\S+ statistics completed/);
    expect(output).toMatch(/\[demo\] {3}\S+ cleanup completed/);
  }, 120_000);

  it('says clearly what is missing when there is no Redis', async () => {
    const { code, output } = await run({ REDIS_URL: 'redis://127.0.0.1:1', REGISTRY_DIR: join(dir, 'unused') }, []);
    expect(code).toBe(1);
    expect(output).toMatch(/^No Redis at redis:\/\/127\.0\.0\.1:1: Redis at redis:\/\/127\.0\.0\.1:1 .*ECONNREFUSED/);
    expect(output).toContain('needs Redis 6.2 or later');
  }, 30_000);
});
