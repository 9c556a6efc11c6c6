// The demo server's tools: one batch task behind two tools, one per Headway mode the demo shows.
import type { HeadwayMcp } from '@headway/mcp';
import { z } from 'zod';
import { runBatch } from './batch-task.js';

const batchInput = {
  name: z.string().min(1).max(40).describe('A label for the batch, shown in progress and results.'),
  items: z.number().int().min(1).max(1_000).default(40).describe('How many items to process.'),
  itemMs: z.number().int().min(0).max(5_000).default(100).describe('Time spent on each item, in milliseconds.'),
};

const annotations = { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false };

/** Registers `process_batch` (mode auto) and `start_batch` (mode handle); both resumable. */
export function registerDemoTools(headway: HeadwayMcp, workDir: string): void {
  headway.registerTool(
    'process_batch',
    {
      title: 'Process a batch',
      description:
        'Processes a batch of items and returns a summary. Stays open with progress while it is short; a batch that takes longer than the inline budget answers with a task id to follow with task_status and task_wait.',
      inputSchema: batchInput,
      annotations,
      task: { mode: 'auto', kind: 'batch', resumable: true, timeoutMs: 10 * 60_000 },
    },
    (args, ctx) => runBatch(workDir, args, ctx),
  );

  headway.registerTool(
    'start_batch',
    {
      title: 'Start a batch in the background',
      description: 'Starts the same batch as process_batch in the background and answers at once with a task id; follow it with task_status and task_wait, stop it with task_cancel.',
      inputSchema: batchInput,
      annotations,
      task: { mode: 'handle', kind: 'background-batch', resumable: true, timeoutMs: 10 * 60_000 },
    },
    (args, ctx) => runBatch(workDir, args, ctx),
  );
}
