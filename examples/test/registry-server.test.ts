import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

// Runs the built example server, as the demo does.
const serverScript = fileURLToPath(new URL('../dist/schema-registry/stdio.js', import.meta.url));

let dataDir: string;
let client: Client;

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'headway-example-'));
  client = new Client({ name: 'example-test', version: '0.0.0' });
  await client.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [serverScript, dataDir],
      env: { ...process.env, REGISTRY_SEED_SUBJECTS: '12', REGISTRY_LATENCY_MS: '2' } as Record<string, string>,
      stderr: 'ignore',
    }),
  );
});

afterEach(async () => {
  await client.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('schema-registry batch server (example)', () => {
  it('clear_context_batch deletes every subject and the context for real, with strictly increasing progress', async () => {
    const progress: number[] = [];
    const result = (await client.callTool({ name: 'clear_context_batch', arguments: { context: 'dev', dryRun: false } }, undefined, {
      onprogress: (p) => progress.push(p.progress),
    })) as CallToolResult;
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ subjectsFound: 12, subjectsDeleted: 12, contextDeleted: true });
    expect(readdirSync(join(dataDir, 'registry'))).toEqual(['staging']);
    expect(progress.length).toBeGreaterThan(2);
    expect(progress.every((p, i) => i === 0 || p > progress[i - 1]!)).toBe(true);
  });

  it('a dry run changes nothing, and a bad context name ends as an isError result naming it', async () => {
    const dry = (await client.callTool({ name: 'clear_context_batch', arguments: { context: 'staging' } })) as CallToolResult;
    expect(dry.structuredContent).toMatchObject({ dryRun: true, subjectsFound: 12, subjectsDeleted: 0 });
    expect(readdirSync(join(dataDir, 'registry', 'staging'))).toHaveLength(12);
    const bad = (await client.callTool({ name: 'clear_context_batch', arguments: { context: '../etc', dryRun: false } })) as CallToolResult;
    expect(bad.isError).toBe(true);
    expect(JSON.stringify(bad.content)).toMatch(/Invalid context name/);
  });

  it('count_schemas counts subjects and versions across contexts', async () => {
    const result = (await client.callTool({ name: 'count_schemas', arguments: {} })) as CallToolResult;
    expect(result.structuredContent).toMatchObject({ subjects: 24, versions: 48 });
  });
});
