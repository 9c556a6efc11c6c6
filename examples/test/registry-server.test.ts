// The schema-registry example over stdio, driven by the SDK's own client: its tools for real, its
// long-running defaults and modes, and a launch the way desktop clients do it (cwd `/`, no args).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { describe, expect, it } from 'vitest';
import { useCleanup } from './support/cleanup.js';
import { callTool, connectStdio } from './support/stdio-client.js';

const SCRIPT = fileURLToPath(new URL('../dist/schema-registry/stdio.js', import.meta.url));

const { defer, tempDir } = useCleanup();

async function start(env: Record<string, string>, options: { args?: string[]; cwd?: string } = {}): Promise<Client> {
  const client = await connectStdio({ script: SCRIPT, env, ...options });
  defer(() => client.close());
  return client;
}

/** A server on its own data directory with a small, fast registry. */
async function startSmall(env: Record<string, string> = {}): Promise<{ client: Client; dataDir: string }> {
  const dataDir = tempDir('headway-example-');
  const client = await start({ REGISTRY_SEED_SUBJECTS: '12', REGISTRY_LATENCY_MS: '2', ...env }, { args: [dataDir] });
  return { client, dataDir };
}

describe('schema-registry batch server over stdio', () => {
  it('clear_context_batch deletes every subject and the context for real, with status lines naming phase and counts', async () => {
    // 30 ms per registry call: the clear outlives the first 100 ms, whose progress stdio holds back (progressAfterMs).
    const { client, dataDir } = await startSmall({ REGISTRY_LATENCY_MS: '30' });
    const progress: { percent: number; message?: string }[] = [];
    const result = await callTool(client, 'clear_context_batch', { context: 'dev', dry_run: false }, progress);
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ dry_run: false, subjects_found: 12, subjects_deleted: 12, context_deleted: true });
    expect(readdirSync(join(dataDir, 'registry'))).toEqual(['staging']);
    expect(progress.length).toBeGreaterThan(2);
    expect(progress.every((p, i) => i === 0 || p.percent > progress[i - 1]!.percent)).toBe(true);
    expect(progress.map((p) => p.message)).toContainEqual(expect.stringMatching(/^Deleting subjects – subject-\d+-value: \d+\/12 \(\d+ %\)/));
  });

  it('a dry run (the default) changes nothing; the old dryRun spelling and a bad context name are refused by name', async () => {
    const { client, dataDir } = await startSmall();
    const dry = await callTool(client, 'clear_context_batch', { context: 'staging' });
    expect(dry.structuredContent).toMatchObject({ dry_run: true, subjects_found: 12, subjects_deleted: 0, context_deleted: false });
    expect(readdirSync(join(dataDir, 'registry', 'staging'))).toHaveLength(12);
    const camel = await callTool(client, 'clear_context_batch', { context: 'staging', dryRun: false });
    expect(camel.isError).toBe(true);
    expect(JSON.stringify(camel.content)).toContain('Unrecognized key: \\"dryRun\\"');
    expect(readdirSync(join(dataDir, 'registry', 'staging'))).toHaveLength(12);
    const bad = await callTool(client, 'clear_context_batch', { context: '../etc', dry_run: false });
    expect(bad.isError).toBe(true);
    expect(JSON.stringify(bad.content)).toMatch(/Invalid context name/);
  });

  it('count_schemas counts subjects and versions across contexts', async () => {
    const { client } = await startSmall();
    const result = await callTool(client, 'count_schemas', {});
    expect(result.structuredContent).toMatchObject({ subjects: 24, versions: 48 });
  });

  it('tools carry annotations and described fields for a model', async () => {
    const { client } = await startSmall();
    const tools = Object.fromEntries((await client.listTools()).tools.map((t) => [t.name, t]));
    expect(tools.clear_context_batch!.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true, idempotentHint: true });
    expect(tools.count_schemas!.annotations).toMatchObject({ readOnlyHint: true, idempotentHint: true });
    expect(tools.export_context!.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: false });
    for (const name of ['clear_context_batch', 'count_schemas', 'export_context']) {
      const properties = tools[name]!.inputSchema.properties as Record<string, { description?: string }>;
      for (const [field, schema] of Object.entries(properties)) expect(schema.description, `${name}.${field}`).toMatch(/\w{3,}/);
    }
    const clear = tools.clear_context_batch!.inputSchema.properties as Record<string, { default?: unknown }>;
    expect(clear.dry_run!.default).toBe(true);
  });

  it('export_context answers at once with a task id (handle mode); task_wait returns the bundle it wrote', async () => {
    const { client, dataDir } = await startSmall();
    const handle = await callTool(client, 'export_context', { context: 'staging' });
    const taskId = (handle.structuredContent as { task: { taskId: string } }).task.taskId;
    expect(taskId).toMatch(/\S{16,}/);
    expect(JSON.stringify(handle.content)).toContain('task_wait');
    const waited = await callTool(client, 'task_wait', { taskId, timeoutSeconds: 40 });
    expect(waited.structuredContent).toMatchObject({ context: 'staging', subjects: 12, file: join(dataDir, 'exports', 'staging.json') });
    const bundle = JSON.parse(readFileSync(join(dataDir, 'exports', 'staging.json'), 'utf8')) as { subjects: Record<string, unknown[]> };
    expect(Object.keys(bundle.subjects)).toHaveLength(12);
  });

  it('a clear that outlives INLINE_BUDGET_MS answers with a task id; task_status shows the status line (phase, subject, counts); task_wait ends it', async () => {
    const { client } = await startSmall({ REGISTRY_SEED_SUBJECTS: '40', REGISTRY_LATENCY_MS: '100', INLINE_BUDGET_MS: '1500' });
    const answer = await callTool(client, 'clear_context_batch', { context: 'dev', dry_run: false });
    const handle = answer.structuredContent as { promoted?: boolean; task: { taskId: string; status: string } };
    expect(handle.promoted).toBe(true);
    expect(handle.task.status).toBe('working');
    let line = '';
    let text = '';
    for (let i = 0; i < 100 && !/subject-/.test(line); i++) {
      const status = await callTool(client, 'task_status', { taskId: handle.task.taskId });
      line = (status.structuredContent as { task: { statusMessage?: string } }).task.statusMessage ?? '';
      text = (status.content[0] as { text: string }).text;
      await new Promise((r) => setTimeout(r, 100));
    }
    // The same line as inline progress and the extension's statusMessage: phase, the subject at
    // hand, counts, percent (and an ETA once the rate is known).
    expect(line).toMatch(/^Deleting subjects – subject-\d+-value: \d+\/40 \(\d+ %\)/);
    expect(text).toContain(`(${line})`);
    const done = await callTool(client, 'task_wait', { taskId: handle.task.taskId, timeoutSeconds: 40 });
    expect(done.structuredContent).toMatchObject({ subjects_deleted: 40, context_deleted: true });
  });
});

describe('launched like a desktop client launches it', () => {
  it('from cwd / with an absolute script path and no arguments, it keeps its data under the per-user directory and answers tools/list', async () => {
    const home = tempDir('headway-home-');
    const client = await start({ HOME: home, XDG_DATA_HOME: join(home, 'xdg'), HEADWAY_DATA_DIR: '', REGISTRY_SEED_SUBJECTS: '3', REGISTRY_LATENCY_MS: '1' }, { cwd: '/' });
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['clear_context_batch', 'count_schemas', 'export_context', 'task_status', 'task_wait']));
    expect(readdirSync(join(home, 'xdg', 'headway', 'schema-registry')).sort()).toEqual(['events', 'registry', 'tasks']);
    expect(existsSync('/.headway-data')).toBe(false);
  });

  it('a data directory that cannot be written: one line naming it on stderr, exit code 1, no stack trace', () => {
    const dir = tempDir('headway-blocked-');
    writeFileSync(join(dir, 'a-file'), '');
    const blocked = join(dir, 'a-file', 'data');
    const run = spawnSync(process.execPath, [SCRIPT], { cwd: '/', env: { ...process.env, HEADWAY_DATA_DIR: blocked }, encoding: 'utf8', timeout: 30_000 });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      `schema-registry: cannot write to the data directory ${blocked} (ENOTDIR: not a directory); pass another directory as the first argument or set HEADWAY_DATA_DIR\n`,
    );
  });

  it('a bad setting is named: REGISTRY_LATENCY_MS=fast', () => {
    const dataDir = tempDir('headway-example-');
    const run = spawnSync(process.execPath, [SCRIPT, dataDir], { env: { ...process.env, REGISTRY_LATENCY_MS: 'fast' }, encoding: 'utf8', timeout: 30_000 });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('schema-registry: REGISTRY_LATENCY_MS must be a whole number ≥ 0, got "fast"\n');
  });
});
