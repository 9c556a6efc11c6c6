// An MCP client (the SDK's own) on an example server it starts over stdio, as desktop clients do.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

export interface StdioLaunch {
  /** The program; default this Node (`process.execPath`). */
  command?: string;
  /** Absolute path of the built server script. */
  script: string;
  args?: string[];
  env?: Record<string, string>;
  /** Working directory; desktop clients use `/`. */
  cwd?: string;
}

export async function connectStdio(launch: StdioLaunch): Promise<Client> {
  const client = new Client({ name: 'headway-example-test', version: '0.0.0' });
  await client.connect(
    new StdioClientTransport({
      command: launch.command ?? process.execPath,
      args: [launch.script, ...(launch.args ?? [])],
      env: { ...(process.env as Record<string, string>), ...launch.env },
      ...(launch.cwd !== undefined && { cwd: launch.cwd }),
      stderr: 'ignore',
    }),
  );
  return client;
}

/** A tool call with a long timeout; progress messages and percents go to `progress` when given. */
export async function callTool(
  client: Client,
  name: string,
  args: Record<string, unknown>,
  progress?: { percent: number; message?: string }[],
): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args }, undefined, {
    timeout: 120_000,
    resetTimeoutOnProgress: true,
    ...(progress && { onprogress: (p: { progress: number; message?: string }) => void progress.push({ percent: p.progress, ...(p.message !== undefined && { message: p.message }) }) }),
  })) as CallToolResult;
}
