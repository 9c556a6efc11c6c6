// mcp-overhead-v2: what Headway's SDK v2 binding adds to a tools/call over Streamable HTTP on
// loopback (server in its own process, mcp-overhead-v2-server.ts), in one run, interleaved:
//  1. the tasks extension: a task created through @modelcontextprotocol/ext-tasks (until the flat
//     CreateTaskResult), and created + polled + settled, vs the same tool answered inline through the
//     same ext-tasks session; and vs the v1 binding's native 2025-11-25 path (CreateTaskResult, and
//     until tasks/result) with the SDK v1 client;
//  2. a Headway inline tool vs a plain v2 registerTool tool, both through the SDK v2 Client.
import { once } from 'node:events';
import { createHttpRawDispatch } from '@headway/mcp/v2';
import { Client as ClientV2, StreamableHTTPClientTransport as TransportV2 } from '@modelcontextprotocol/client';
import { createTaskSessionFromClient } from '@modelcontextprotocol/ext-tasks/client';
import type { RawClientDispatch, TaskEnabledSession } from '@modelcontextprotocol/ext-tasks/client';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CallToolResultSchema, CreateTaskResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { isolatedFetch } from './isolated-fetch.js';
import { measureInterleaved, startServerScript, median, percentile, writeResult } from './harness.js';
import type { Variant } from './harness.js';

const WARMUP = Number(process.env.MCP_OVERHEAD_WARMUP ?? 200);
const ROUNDS = Number(process.env.MCP_OVERHEAD_ROUNDS ?? 1000);
const CLIENT_INFO = { name: 'bench-v2', version: '0.0.0' };

function measure(variants: Variant[]): Promise<Record<string, number[]>> {
  return measureInterleaved(variants, WARMUP, ROUNDS);
}


async function extSession(url: URL): Promise<{ client: ClientV2; session: TaskEnabledSession }> {
  const client = new ClientV2(CLIENT_INFO, { capabilities: {}, versionNegotiation: { mode: { pin: '2026-07-28' } } });
  await client.connect(new TransportV2(url, { fetch: isolatedFetch() }));
  const session = createTaskSessionFromClient(client, {
    endpointId: url.href,
    rawDispatch: createHttpRawDispatch({ url }) as RawClientDispatch,
    v2RequestFraming: { protocolVersion: '2026-07-28', clientInfo: CLIENT_INFO, clientCapabilities: {} },
  });
  return { client, session };
}

export async function main(): Promise<void> {
  const { child, port } = await startServerScript('mcp-overhead-v2-server.js');
  const v2Url = new URL(`http://127.0.0.1:${port}/v2/mcp`);
  const ext = await extSession(v2Url);
  const plainV2 = new ClientV2(CLIENT_INFO, { capabilities: {}, versionNegotiation: { mode: { pin: '2026-07-28' } } });
  await plainV2.connect(new TransportV2(v2Url, { fetch: isolatedFetch() }));
  const v1 = new Client(CLIENT_INFO);
  await v1.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/v1`), { fetch: isolatedFetch() }));
  const extCall = (tool: string, settle: boolean) => async (n: number) => {
    const execution = await ext.session.callTool(tool, { n });
    if (tool === 'task' && execution.kind !== 'task') throw new Error(`expected an extension task, got ${execution.kind}`);
    if (settle || execution.kind === 'immediate') {
      const { outcome } = await execution.settle();
      if (outcome.status !== 'completed') throw new Error(`task ended ${outcome.status}`);
    } else await execution.detach();
  };
  const v1Create = (n: number) => v1.request({ method: 'tools/call', params: { name: 'task', arguments: { n }, task: { ttl: 3_600_000 } } }, CreateTaskResultSchema);
  try {
    const tasks = await measure([
      { name: 'extInline', run: extCall('inline', true) },
      { name: 'extTaskCreate', run: extCall('task', false) },
      { name: 'extTaskSettled', run: extCall('task', true) },
      { name: 'v1NativeCreate', run: v1Create },
      {
        name: 'v1NativeRoundTrip',
        run: async (n) => v1.experimental.tasks.getTaskResult((await v1Create(n)).task.taskId, CallToolResultSchema),
      },
    ]);
    const inline = await measure([
      { name: 'v2Plain', run: (n) => plainV2.callTool({ name: 'plain', arguments: { n } }) },
      { name: 'v2HeadwayInline', run: (n) => plainV2.callTool({ name: 'inline', arguments: { n } }) },
    ]);
    const all = { ...tasks, ...inline };
    const figures = Object.fromEntries(Object.entries(all).map(([k, v]) => [k, { p50: median(v), p90: percentile(v, 90), p99: percentile(v, 99), n: v.length }]));
    const p50 = (k: string) => figures[k]!.p50;
    const createRatio = p50('extTaskCreate') / p50('extInline');
    const settledRatio = p50('extTaskSettled') / p50('extInline');
    const inlineRatio = p50('v2HeadwayInline') / p50('v2Plain');
    writeResult({
      name: 'mcp-overhead-v2',
      description:
        'tools/call over Streamable HTTP on loopback, server in its own process (ms per call, one client, sequential, interleaved): an extension task (2026-07-28) created through @modelcontextprotocol/ext-tasks, and created+polled+settled, vs the same tool answered inline through the same session, vs the v1 binding native path (2025-11-25, SDK v1 client); a Headway inline tool vs a plain SDK v2 tool through the SDK v2 Client.',
      figures: { ...figures, rounds: ROUNDS, warmup: WARMUP },
      ratios: {
        'ext task create / inline (same tool, ext-tasks) p50': createRatio,
        'ext task create+poll+settle / inline p50': settledRatio,
        'ext task create / v1 native create p50': p50('extTaskCreate') / p50('v1NativeCreate'),
        'ext task settled / v1 native create+tasks/result p50': p50('extTaskSettled') / p50('v1NativeRoundTrip'),
        'v2 Headway inline / plain v2 tool p50': inlineRatio,
      },
      targets: [
        { name: 'extension task create p50 vs a plain inline call of the same tool', target: '<= 1.5', measured: createRatio, met: createRatio <= 1.5 },
        { name: 'v2 binding inline call p50 vs a plain v2 tool', target: '<= 1.1', measured: inlineRatio, met: inlineRatio <= 1.1 },
      ],
    });
  } finally {
    await ext.session.close().catch(() => undefined);
    await ext.client.close();
    await plainV2.close();
    await v1.close();
    child.stdin!.end();
    await once(child, 'exit');
  }
}
