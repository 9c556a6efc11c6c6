// The client configurations in the examples' READMEs: every JSON block parses and uses the keys its
// client reads, and the Claude Desktop entries, taken exactly as written (the checkout's path put in
// for /abs/path/to/headway), start from `/` and answer tools/list.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useCleanup } from './support/cleanup.js';
import { connectStdio } from './support/stdio-client.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');
const README = (example: string) => readFileSync(fileURLToPath(new URL(`../src/${example}/README.md`, import.meta.url)), 'utf8');
const { defer, tempDir } = useCleanup();

/** The ```json blocks of a README, each with the heading or bold label above it. */
function jsonBlocks(text: string): { label: string; json: unknown }[] {
  const blocks: { label: string; json: unknown }[] = [];
  let label = '';
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^#{2,4} |^\*\*/.test(line)) label = line;
    if (line.trim() === '```json') {
      const end = lines.indexOf('```', i + 1);
      blocks.push({ label, json: JSON.parse(lines.slice(i + 1, end).join('\n')) as unknown });
      i = end;
    }
  }
  return blocks;
}

interface StdioEntry {
  command: string;
  args: string[];
  env?: Record<string, string>;
}

describe.each(['schema-registry', 'file-indexer'])('%s README client configurations', (example) => {
  const blocks = jsonBlocks(README(example));

  it('has JSON for Claude Desktop, Cursor and VS Code, each with the keys its client reads', () => {
    const byClient = (name: string) => blocks.filter((b) => b.label.includes(name)).map((b) => b.json as Record<string, Record<string, Record<string, unknown>>>);
    const [desktop] = byClient('Claude Desktop');
    const [cursor] = byClient('Cursor');
    const [vscode] = byClient('VS Code');
    expect(desktop!.mcpServers![example]).toMatchObject({ command: 'node', args: [expect.stringMatching(/^\/abs\/path\/to\/headway\/examples\/dist\/.*\/stdio\.js$/)] });
    expect(cursor!.mcpServers![example]).toMatchObject({ command: 'node' });
    expect(cursor!.mcpServers![`${example}-http`]).toEqual({ url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/) });
    expect(vscode!.servers![example]).toMatchObject({ type: 'stdio', command: 'node' });
    expect(vscode!.servers![`${example}-http`]).toEqual({ type: 'http', url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/) });
  });

  it('the Claude Desktop entry, as written, starts from / and answers tools/list', async () => {
    const desktop = blocks.find((b) => b.label.includes('Claude Desktop'))!.json as { mcpServers: Record<string, StdioEntry> };
    const entry = desktop.mcpServers[example]!;
    const home = tempDir('headway-desktop-home-');
    const [script, ...args] = entry.args.map((a) => a.replace('/abs/path/to/headway', REPO));
    // Only HOME and XDG_DATA_HOME are changed, so the per-user data directory is a temporary one.
    const client = await connectStdio({ command: entry.command, script: script!, args, cwd: '/', env: { ...entry.env, HOME: home, XDG_DATA_HOME: join(home, '.local', 'share'), HEADWAY_DATA_DIR: '' } });
    defer(() => client.close());
    const tools = (await client.listTools()).tools.map((t) => t.name);
    expect(tools).toContain(example === 'schema-registry' ? 'clear_context_batch' : 'index_directory');
    expect(tools).toContain('task_wait');
  }, 60_000);
});

describe('observability README client configurations', () => {
  it('its JSON parses', () => {
    const text = README('observability');
    for (const match of text.matchAll(/`(\{"(?:mcpServers|servers)".*?\})`/g)) expect(() => JSON.parse(match[1]!) as unknown, match[1]).not.toThrow();
    expect([...text.matchAll(/`(\{"(?:mcpServers|servers)".*?\})`/g)]).toHaveLength(3);
  });
});
