// The demo's step for protocol 2026-07-28: a client of its own, the SDK v2 Client with
// @modelcontextprotocol/ext-tasks, that declares the tasks extension. A call that outlives the
// inline budget becomes an extension task; the client polls tasks/get (each answer's statusMessage
// is one line: phase, counts, percent, ETA) and settles the result.
import { createHttpRawDispatch } from '@headway/mcp/v2';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { createTaskSessionFromClient, resultFromTaskOutcome } from '@modelcontextprotocol/ext-tasks/client';
import type { RawClientDispatch } from '@modelcontextprotocol/ext-tasks/client';
import type { CallToolResultV2 } from '@modelcontextprotocol/ext-tasks/core/v2';
import { formatSeconds } from '../progress-bar.js';
import type { ProgressBoard } from '../progress-bar.js';
import type { BatchResult } from './batch-task.js';

const CLIENT_INFO = { name: 'headway-demo-ext-tasks', version: '0.1.0' };

/** Calls `process_batch` with `args` as an ext-tasks client; prints each new statusMessage; resolves with the result. */
export async function followExtensionTask(mcpUrl: URL, authorization: string, board: ProgressBoard, args: { name: string; items: number; itemMs: number }): Promise<void> {
  const headers = { Authorization: authorization };
  const client = new Client(CLIENT_INFO, { capabilities: {}, versionNegotiation: { mode: { pin: '2026-07-28' } } });
  await client.connect(new StreamableHTTPClientTransport(mcpUrl, { requestInit: { headers } }));
  try {
    const session = createTaskSessionFromClient(client, {
      endpointId: mcpUrl.href,
      rawDispatch: createHttpRawDispatch({ url: mcpUrl, headers }) as RawClientDispatch,
      v2RequestFraming: { protocolVersion: '2026-07-28', clientInfo: CLIENT_INFO, clientCapabilities: {} },
    });
    const bar = board.bar(args.name);
    const started = Date.now();
    const execution = await session.callTool('process_batch', args);
    if (execution.kind !== 'task') throw new Error('process_batch answered inline; it was expected to outlive the inline budget and become an extension task');
    board.print(`    → ${args.name}: after ${formatSeconds(Date.now() - started)} the call answered resultType "task" (the client declared io.modelcontextprotocol/tasks); polling tasks/get`);
    let last = '';
    const { outcome } = await execution.settle({
      onEvent: (event: { type: string; task?: { status?: string; statusMessage?: string } }) => {
        const line = event.type === 'task' ? event.task?.statusMessage : undefined;
        if (!line || line === last) return;
        last = line;
        const percent = /\((\d+) %\)/.exec(line)?.[1];
        if (percent) bar.update(Number(percent), line);
        board.print(`    · ${args.name}: tasks/get ${event.task?.status ?? ''}: ${line}`);
      },
    } as never);
    if (outcome.status !== 'completed') throw new Error(`the extension task ended ${outcome.status}`);
    const result = (resultFromTaskOutcome(outcome as never) as CallToolResultV2).structuredContent as BatchResult | undefined;
    if (typeof result?.filesOnDisk !== 'number') throw new Error(`the extension task completed without the batch's result: ${JSON.stringify(result)}`);
    bar.done(`    ✓ ${args.name}: the extension task completed after ${formatSeconds(Date.now() - started)}; tasks/get carried its result (${result.filesOnDisk} items written)`);
    await session.close();
  } finally {
    await client.close();
  }
}
