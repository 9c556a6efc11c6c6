// The file-indexer example driven by the SDK's own client over stdio and Streamable HTTP, on a real
// directory tree: its index holds each file's real sha256; it is cancellable; SIGKILLed mid-hash and
// restarted on the same data directory, it resumes hashing where it stopped instead of from zero.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { describe, expect, it } from 'vitest';
import { startHttpServer } from './support/http-example.js';
import type { HttpExample } from './support/http-example.js';
import { useCleanup } from './support/cleanup.js';
import { callTool, connectStdio } from './support/stdio-client.js';

const STDIO = fileURLToPath(new URL('../dist/file-indexer/stdio.js', import.meta.url));
const HTTP = fileURLToPath(new URL('../dist/file-indexer/http.js', import.meta.url));

const { defer, tempDir } = useCleanup();

/** `count` files in nested folders (every tenth a copy of the first), a `.git` folder and a symlink that are skipped. */
function makeTree(count: number): { root: string; sha: Map<string, string> } {
  const root = tempDir('headway-tree-');
  const sha = new Map<string, string>();
  const first = randomBytes(2048);
  for (let i = 0; i < count; i++) {
    const rel = join(`d${i % 7}`, `sub${i % 3}`, `file-${i}.bin`);
    mkdirSync(join(root, rel, '..'), { recursive: true });
    const content = i % 10 === 0 ? first : randomBytes(512 + (i % 5) * 1024);
    writeFileSync(join(root, rel), content);
    sha.set(rel, createHash('sha256').update(content).digest('hex'));
  }
  mkdirSync(join(root, '.git'));
  writeFileSync(join(root, '.git', 'HEAD'), 'ref: refs/heads/main\n');
  symlinkSync(join(root, 'd0'), join(root, 'loop'));
  return { root, sha };
}

interface IndexFile {
  root: string;
  files: number;
  entries: { path: string; size: number; sha256: string }[];
}

function expectIndexMatches(indexPath: string, root: string, sha: Map<string, string>) {
  const index = JSON.parse(readFileSync(indexPath, 'utf8')) as IndexFile;
  expect(index.root).toBe(root);
  expect(index.files).toBe(sha.size);
  expect(new Map(index.entries.map((e) => [e.path, e.sha256]))).toEqual(sha);
}

async function stdioIndexer(env: Record<string, string> = {}): Promise<{ client: Client; dataDir: string }> {
  const dataDir = tempDir('headway-indexer-');
  const client = await connectStdio({ script: STDIO, args: [dataDir], env });
  defer(() => client.close());
  return { client, dataDir };
}

describe('file-indexer over stdio', () => {
  it('indexes a real tree in weighted phases: every file with its real sha256; find_duplicates finds the copies', async () => {
    const { root, sha } = makeTree(120);
    // Over stdio a call's first 100 ms of progress is held back (progressAfterMs): 3 ms per file
    // keeps the hashing phase going well past it, whatever the machine.
    const { client } = await stdioIndexer({ HASH_DELAY_MS: '3' });
    const progress: { percent: number; message?: string }[] = [];
    const result = await callTool(client, 'index_directory', { root }, progress);
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    const out = result.structuredContent as { index: string; files: number; bytes: number; resumed_after_files: number };
    expect(out).toMatchObject({ root, files: 120, resumed_after_files: 0 });
    expectIndexMatches(out.index, root, sha);
    const messages = progress.map((p) => p.message ?? '');
    // The scan is over within the held-back first 100 ms; the hashing phase is seen.
    expect(messages).toContainEqual(expect.stringMatching(/^Hashing – \S+: \d+\/120 \(\d+ %\)/));
    expect(progress.every((p, i) => i === 0 || p.percent > progress[i - 1]!.percent)).toBe(true);

    const dupes = await callTool(client, 'find_duplicates', { index: out.index });
    expect(dupes.structuredContent).toMatchObject({ total_groups: 1, groups: [{ paths: expect.arrayContaining([join('d0', 'sub0', 'file-0.bin')]) }] });
    expect((dupes.structuredContent as { groups: { paths: string[] }[] }).groups[0]!.paths).toHaveLength(12);
  });

  it('task_cancel stops an index: it ends cancelled, no index is written and its work files are gone', async () => {
    const { root } = makeTree(200);
    const { client, dataDir } = await stdioIndexer({ HASH_DELAY_MS: '50', INLINE_BUDGET_MS: '1000' });
    const answer = await callTool(client, 'index_directory', { root });
    const { taskId } = (answer.structuredContent as { promoted: boolean; task: { taskId: string } }).task;
    const cancelled = await callTool(client, 'task_cancel', { taskId, reason: 'test' });
    expect(cancelled.structuredContent).toMatchObject({ task: { status: 'cancelled' } });
    expect(existsSync(join(dataDir, 'indexes', `${taskId}.json`))).toBe(false);
    for (let i = 0; i < 50 && existsSync(join(dataDir, 'work', taskId)); i++) await new Promise((r) => setTimeout(r, 100));
    expect(readdirSync(join(dataDir, 'work'))).toEqual([]);
  });

  it('a bad root is refused by name', async () => {
    const { client } = await stdioIndexer();
    const relative = await callTool(client, 'index_directory', { root: 'photos' });
    expect(relative.isError).toBe(true);
    expect(JSON.stringify(relative.content)).toContain('root: must be an absolute path');
    const missing = await callTool(client, 'index_directory', { root: '/no/such/dir' });
    expect(missing.isError).toBe(true);
    expect(JSON.stringify(missing.content)).toContain('root is not a directory: /no/such/dir');
  });
});

describe('file-indexer over Streamable HTTP', () => {
  async function server(env: Record<string, string>, dataDir: string): Promise<HttpExample> {
    const started = await startHttpServer(HTTP, env, dataDir);
    defer(() => started.stop());
    return started;
  }

  async function connect(url: string): Promise<Client> {
    const client = new Client({ name: 'file-indexer-test', version: '0.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: 'Bearer alice' } } }));
    defer(() => client.close());
    return client;
  }

  async function taskOf(ex: HttpExample, id: string): Promise<{ status: string; progress: number } | undefined> {
    const { tasks } = (await (await fetch(`${ex.dashboardUrl}api/tasks`)).json()) as { tasks: { id: string; status: string; progress: number }[] };
    return tasks.find((t) => t.id === id);
  }

  it('SIGKILLed mid-hash and restarted on the same data directory, it resumes where it stopped, not from zero', async () => {
    const { root, sha } = makeTree(300);
    const dataDir = tempDir('headway-indexer-http-');
    const env = { HASH_DELAY_MS: '20', INLINE_BUDGET_MS: '1000' };
    const first = await server(env, dataDir);
    const answer = await callTool(await connect(first.mcpUrl), 'index_directory', { root });
    const { taskId } = (answer.structuredContent as { task: { taskId: string } }).task;
    // Hashing spans 10–90 %: past 40 %, over a third of the files are hashed and checkpointed.
    for (let t = Date.now(); ((await taskOf(first, taskId))?.progress ?? 0) < 40; ) {
      if (Date.now() - t > 60_000) throw new Error(`no progress: ${first.output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await first.kill();
    expect(readdirSync(join(dataDir, 'work'))).toEqual([taskId]);

    const second = await server(env, dataDir);
    for (let t = Date.now(); (await taskOf(second, taskId))?.status !== 'completed'; ) {
      if (Date.now() - t > 90_000) throw new Error(`not completed: ${JSON.stringify(await taskOf(second, taskId))}\n${second.output()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    // The same caller reads the result after the restart.
    const result = await callTool(await connect(second.mcpUrl), 'task_result', { taskId });
    const out = result.structuredContent as { index: string; files: number; resumed_after_files: number };
    expect(out.files).toBe(300);
    expect(out.resumed_after_files).toBeGreaterThanOrEqual(90);
    expect(out.resumed_after_files).toBeLessThan(300);
    expectIndexMatches(out.index, root, sha);
    expect(readdirSync(join(dataDir, 'work'))).toEqual([]);
  }, 180_000);
});
