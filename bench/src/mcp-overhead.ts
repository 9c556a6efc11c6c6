// mcp-overhead: what Headway adds to a tools/call over Streamable HTTP on loopback.
//  1. handle-mode Headway tool, until the handle arrives  vs  a plain registerTool tool returning at once;
//  2. native (task-augmented) Headway tool until CreateTaskResult, and until tasks/result,
//     vs the same tool on the SDK's own InMemoryTaskStore (registerToolTask).
// The servers run in a child process (mcp-overhead-server.ts), the client here: as in any
// deployment, work a server does after it answered does not hold up the client reading the answer.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CallToolResultSchema, CreateTaskResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { median, percentile, writeResult } from './harness.js';

const WARMUP = Number(process.env.MCP_OVERHEAD_WARMUP ?? 200);
const ROUNDS = Number(process.env.MCP_OVERHEAD_ROUNDS ?? 2000);

async function connect(url: URL): Promise<Client> {
  const client = new Client({ name: 'bench', version: '0.0.0' });
  await client.connect(new StreamableHTTPClientTransport(url));
  return client;
}

type Variant = { name: string; run: (n: number) => Promise<unknown> };

/**
 * Runs the variants interleaved call by call, so drift on a noisy machine hits all alike, and
 * alternates their order every round: a call's background work (a status notification the client
 * parses) lands during whichever call comes next, so no variant may always come next.
 */
async function measure(variants: Variant[]): Promise<Record<string, number[]>> {
  for (let i = 0; i < WARMUP; i++) for (const v of variants) await v.run(i);
  const times: Record<string, number[]> = Object.fromEntries(variants.map((v) => [v.name, []]));
  for (let i = 0; i < ROUNDS; i++) {
    for (const v of i % 2 === 0 ? variants : [...variants].reverse()) {
      const start = performance.now();
      await v.run(i);
      times[v.name]!.push(performance.now() - start);
    }
  }
  return times;
}

function describe(times: number[]) {
  return { p50: median(times), p90: percentile(times, 90), p99: percentile(times, 99), n: times.length };
}

/** Starts the server process and resolves with it and its port once it listens. */
async function startServer(): Promise<{ child: ChildProcess; port: number }> {
  const script = fileURLToPath(new URL('./mcp-overhead-server.js', import.meta.url));
  const child = spawn(process.execPath, [script], { stdio: ['pipe', 'pipe', 'inherit'] });
  let output = '';
  for await (const chunk of child.stdout!) {
    output += String(chunk);
    const match = /listening (\d+)/.exec(output);
    if (match) return { child, port: Number(match[1]) };
  }
  throw new Error(`mcp-overhead server exited before listening: ${output}`);
}

export async function main(): Promise<void> {
  const { child, port } = await startServer();
  const url = (path: string) => new URL(`http://127.0.0.1:${port}${path}`);
  const hw = await connect(url('/headway'));
  const sdk = await connect(url('/sdk'));
  const nativeCall = (client: Client) => (n: number) =>
    client.request({ method: 'tools/call', params: { name: 'native', arguments: { n }, task: { ttl: 3_600_000 } } }, CreateTaskResultSchema);
  const nativeRoundTrip = (client: Client) => async (n: number) => {
    const created = await nativeCall(client)(n);
    return client.experimental.tasks.getTaskResult(created.task.taskId, CallToolResultSchema);
  };
  try {
    const handle = await measure([
      { name: 'plain', run: (n) => hw.callTool({ name: 'plain', arguments: { n } }) },
      { name: 'headwayHandle', run: (n) => hw.callTool({ name: 'handled', arguments: { n } }) },
    ]);
    const create = await measure([
      { name: 'sdkNativeCreate', run: nativeCall(sdk) },
      { name: 'headwayNativeCreate', run: nativeCall(hw) },
    ]);
    const roundTrip = await measure([
      { name: 'sdkNativeRoundTrip', run: nativeRoundTrip(sdk) },
      { name: 'headwayNativeRoundTrip', run: nativeRoundTrip(hw) },
    ]);
    const figures = Object.fromEntries(Object.entries({ ...handle, ...create, ...roundTrip }).map(([k, v]) => [k, describe(v)]));
    const p50 = (k: string) => (figures[k] as { p50: number }).p50;
    const handleRatio = p50('headwayHandle') / p50('plain');
    const createRatio = p50('headwayNativeCreate') / p50('sdkNativeCreate');
    const roundTripRatio = p50('headwayNativeRoundTrip') / p50('sdkNativeRoundTrip');
    writeResult({
      name: 'mcp-overhead',
      description:
        'tools/call over Streamable HTTP on loopback, servers in their own process (ms per call, one client, sequential): Headway handle-mode tool until the handle arrives vs a plain registerTool tool; Headway native task vs the same tool on the SDK InMemoryTaskStore (until CreateTaskResult, and until tasks/result).',
      figures: { ...figures, rounds: ROUNDS, warmup: WARMUP },
      ratios: {
        'handle/plain p50': handleRatio,
        'headway/sdk native create p50': createRatio,
        'headway/sdk native create+tasks/result p50': roundTripRatio,
      },
      targets: [
        { name: 'handle-mode p50 vs plain tool', target: '<= 1.5', measured: handleRatio, met: handleRatio <= 1.5 },
        { name: 'native create p50 vs SDK InMemoryTaskStore', target: '<= 1.0 (not slower)', measured: createRatio, met: createRatio <= 1.0 },
        { name: 'native create+result p50 vs SDK InMemoryTaskStore', target: '<= 1.0 (not slower)', measured: roundTripRatio, met: roundTripRatio <= 1.0 },
      ],
    });
  } finally {
    await hw.close();
    await sdk.close();
    child.stdin!.end();
    await once(child, 'exit');
  }
}
