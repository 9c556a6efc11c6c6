import { readFile } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import type { HeadwayMcp, McpToolContext } from '@headway/mcp';
import { structuredOutput } from '@headway/mcp';
import { z } from 'zod';
import { indexDirectory } from './indexer.js';
import type { IndexerOptions } from './indexer.js';

const ABSOLUTE_PATH = z.string().min(1).refine(isAbsolute, { message: 'must be an absolute path' });

/** The file indexer's tools: `index_directory` (long-running, resumable) and `find_duplicates`. */
export function registerIndexerTools(headway: HeadwayMcp, options: IndexerOptions): void {
  const index = indexDirectory(options);
  headway.registerTool(
    'index_directory',
    {
      title: 'Index a directory tree',
      description:
        'Scans a directory tree on the server, hashes every file (sha256) and writes an index (path, size, sha256 of each file) as JSON. ' +
        'Long-running on big trees: reports phase, counts and ETA; answers with a task id to follow with task_status / task_wait when it outlives the inline budget; ' +
        'task_cancel stops it. After a server restart it resumes hashing where it stopped. Symbolic links are not followed.',
      inputSchema: {
        root: ABSOLUTE_PATH.describe('Absolute path of the directory to index, e.g. "/home/me/photos"'),
        output: ABSOLUTE_PATH.optional().describe('Absolute path of the index file to write; default: a new file in the server\'s data directory'),
        exclude: z
          .array(z.string().min(1))
          .default(['.git', 'node_modules'])
          .describe('Directory names not descended into, anywhere in the tree. Default [".git", "node_modules"]'),
      },
      annotations: { title: 'Index a directory tree', readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
      task: { mode: 'auto', kind: 'file-index', resumable: true, timeoutMs: 6 * 3_600_000 },
    },
    structuredOutput('index_directory', { fallbackOnError: true })((args: { root: string; output?: string; exclude: string[] }, ctx: McpToolContext) => index(args, ctx)),
  );

  headway.registerTool(
    'find_duplicates',
    {
      title: 'Find duplicate files',
      description: 'Reads an index written by index_directory and lists the groups of files with the same content (same sha256), largest waste first.',
      inputSchema: {
        index: ABSOLUTE_PATH.describe('Absolute path of an index file (the "index" field of index_directory\'s result)'),
        limit: z.number().int().min(1).max(1000).default(20).describe('Most groups to return. Default 20'),
      },
      annotations: { title: 'Find duplicate files', readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
      task: { mode: 'inline', kind: 'duplicates' },
    },
    structuredOutput('find_duplicates', { fallbackOnError: true })(async (args: { index: string; limit: number }) => {
      const parsed = JSON.parse(await readFile(args.index, 'utf8')) as { entries?: { path: string; size: number; sha256: string }[] };
      if (!Array.isArray(parsed.entries)) throw new Error(`not an index written by index_directory: ${args.index}`);
      const bySha = new Map<string, { size: number; paths: string[] }>();
      for (const e of parsed.entries) {
        const group = bySha.get(e.sha256) ?? { size: e.size, paths: [] };
        group.paths.push(e.path);
        bySha.set(e.sha256, group);
      }
      const groups = [...bySha.entries()]
        .filter(([, g]) => g.paths.length > 1)
        .map(([sha256, g]) => ({ sha256, size: g.size, paths: g.paths.sort(), wasted_bytes: g.size * (g.paths.length - 1) }))
        .sort((a, b) => b.wasted_bytes - a.wasted_bytes || a.sha256.localeCompare(b.sha256));
      return { groups: groups.slice(0, args.limit), total_groups: groups.length, wasted_bytes: groups.reduce((s, g) => s + g.wasted_bytes, 0) };
    }),
  );
}
