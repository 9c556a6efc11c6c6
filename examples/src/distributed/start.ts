// One command for the whole example fleet on this machine: two workers and two MCP server
// replicas on one Redis. `--demo` also runs a client against both replicas, then stops everything.
// Usage: node examples/dist/distributed/start.js [--demo]     (REDIS_URL, HEADWAY_PREFIX, REGISTRY_DIR, PORT_A, PORT_B)
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { RedisTaskStore } from '@headway/bullmq';
import { SchemaRegistry } from '../schema-registry/registry.js';
import { runDemo } from './demo-client.js';
import { fleetConfig } from './config.js';

const demo = process.argv.includes('--demo');
const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

/** Redis must answer before anything starts; otherwise say what to do. */
async function checkRedis(): Promise<void> {
  try {
    const store = await RedisTaskStore.open({ connection: fleetConfig.redisUrl, prefix: fleetConfig.prefix });
    await store.close();
  } catch (error) {
    console.error(
      `No Redis at ${fleetConfig.redisUrl}: ${(error as Error).message}\n` +
        'This example runs its tasks on BullMQ and needs Redis 6.2 or later. Start one, for instance\n' +
        '  redis-server            (Debian/Ubuntu: apt install redis-server)\n' +
        '  docker run --rm -p 6379:6379 redis:7\n' +
        'or point REDIS_URL at yours (rediss:// for TLS), then run this again.',
    );
    process.exit(1);
  }
}

interface Started {
  readonly child: ChildProcess;
  readonly line: string;
}

/** Starts `node script` and resolves with the first line of its output that matches `ready`. */
function start(name: string, script: string, env: Record<string, string>, ready: RegExp): Promise<Started> {
  const child = spawn(process.execPath, [here(script)], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      for (const line of chunk.toString().split('\n')) if (line.trim()) console.log(`[${name}] ${line}`);
      const match = ready.exec(text);
      if (match) resolve({ child, line: match[0] });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code} before it was ready:\n${text}`)));
  });
}

await checkRedis();
const registry = new SchemaRegistry({ dir: fleetConfig.registryDir, latencyMs: 0 });
const seed = Number(process.env.REGISTRY_SEED_SUBJECTS ?? 60);
for (const context of ['dev', 'staging']) if ((await registry.subjects(context)).length === 0) await registry.seed(context, seed);

const children: ChildProcess[] = [];
const stopAll = async () => {
  await Promise.all(
    children.map((child) => (child.exitCode === null ? new Promise((resolve) => { child.once('exit', resolve); child.kill('SIGTERM'); }) : undefined)),
  );
};
try {
  const workers = await Promise.all(['worker-1', 'worker-2'].map((name) => start(name, './worker.js', {}, /worker \d+: ready/)));
  children.push(...workers.map((w) => w.child));
  const ports = demo ? ['0', '0'] : [process.env.PORT_A ?? '3001', process.env.PORT_B ?? '3002'];
  const replicas = await Promise.all(ports.map((port, i) => start(`replica-${'ab'[i]}`, './server.js', { PORT: port }, /MCP on (http:\S+)/)));
  children.push(...replicas.map((r) => r.child));
  const urls = replicas.map((r) => /MCP on (http:\S+)/.exec(r.line)![1]!);
  console.log(
    `\nFleet up on ${fleetConfig.redisUrl} (prefix ${fleetConfig.prefix}): two workers, replicas ${urls.join(' and ')}.\n` +
      'Point any MCP client at either replica (send `Authorization: Bearer <you>` to see your tasks from both).',
  );
  if (demo) {
    await runDemo(urls.map((u) => new URL(u)));
    await stopAll();
    process.exit(0);
  }
  console.log('Ctrl-C stops everything.');
  process.on('SIGINT', () => void stopAll().then(() => process.exit(0)));
  process.on('SIGTERM', () => void stopAll().then(() => process.exit(0)));
} catch (error) {
  console.error((error as Error).message);
  await stopAll();
  process.exit(1);
}
