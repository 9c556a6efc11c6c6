import { setTimeout as sleep } from 'node:timers/promises';
import type { HeadwayMcp, McpToolContext, ToolMode } from '../../src/index.js';
import { structuredOutput } from '../../src/index.js';
import { z } from 'zod';
import { z as z4 } from 'zod/v4';

/** What the demo tools saw, for assertions. */
export interface Probe {
  aborted: Map<string, unknown>;
  started: Set<string>;
}

export function newProbe(): Probe {
  return { aborted: new Map(), started: new Set() };
}

/** Sleeps in small steps, reporting progress, until `ms` passed or the task is aborted. */
async function work(ctx: McpToolContext, ms: number, probe: Probe, label: string): Promise<void> {
  probe.started.add(ctx.taskId);
  const steps = Math.max(1, Math.round(ms / 50));
  for (let i = 0; i < steps; i++) {
    if (ctx.signal.aborted) {
      probe.aborted.set(ctx.taskId, ctx.signal.reason);
      throw ctx.signal.reason;
    }
    await sleep(ms / steps, undefined, { signal: ctx.signal }).catch(() => undefined);
    ctx.progress.update(((i + 1) / steps) * 100, `${label} ${i + 1}/${steps}`);
  }
  if (ctx.signal.aborted) {
    probe.aborted.set(ctx.taskId, ctx.signal.reason);
    throw ctx.signal.reason;
  }
}

/** Registers the tools the tests call. `slow_<mode>` for every mode. */
export function registerDemoTools(headway: HeadwayMcp, probe: Probe, budgetMs = 400): void {
  for (const mode of ['inline', 'handle', 'native', 'auto'] as ToolMode[]) {
    headway.registerTool(
      `slow_${mode}`,
      {
        description: `Works for ms milliseconds (${mode} mode).`,
        inputSchema: { ms: z.number().int().min(0).max(120_000), label: z.string().optional() },
        task: { mode, kind: `slow-${mode}`, inlineBudgetMs: budgetMs },
      },
      async ({ ms, label }, ctx) => {
        await work(ctx, ms, probe, label ?? 'step');
        return { slept: ms, label: label ?? null };
      },
    );
  }

  // Waits for cancellation only.
  headway.registerTool(
    'until_cancelled',
    { description: 'Runs until cancelled.', inputSchema: { mode: z.enum(['inline', 'handle', 'native', 'auto']).optional() }, task: { mode: 'auto', inlineBudgetMs: 60_000 } },
    async (_args, ctx) => {
      probe.started.add(ctx.taskId);
      await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
      probe.aborted.set(ctx.taskId, ctx.signal.reason);
      throw ctx.signal.reason;
    },
  );
  for (const mode of ['handle', 'native'] as ToolMode[]) {
    headway.registerTool(
      `until_cancelled_${mode}`,
      { description: 'Runs until cancelled.', task: { mode } },
      async (_args, ctx) => {
        probe.started.add(ctx.taskId);
        await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
        probe.aborted.set(ctx.taskId, ctx.signal.reason);
        throw ctx.signal.reason;
      },
    );
  }

  headway.registerTool('throws', { description: 'Always throws.', task: { mode: 'auto' } }, async () => {
    throw new Error('boom: the handler threw');
  });
  headway.registerTool('throws_handle', { description: 'Always throws.', task: { mode: 'handle' } }, async () => {
    throw new Error('boom: the handler threw');
  });
  headway.registerTool('is_error', { description: 'Returns an isError result.', task: { mode: 'auto' } }, async () => ({
    content: [{ type: 'text' as const, text: 'the registry refused' }],
    isError: true,
  }));
  headway.registerTool(
    'structured',
    {
      description: 'Returns structured output.',
      inputSchema: { n: z.number() },
      outputSchema: { doubled: z.number() },
      task: { mode: 'inline' },
    },
    structuredOutput('structured', { fallbackOnError: true })(async ({ n }: { n: number }) => {
      if (n < 0) throw new Error('negative');
      return { doubled: n * 2 };
    }),
  );

  // The seed's clear-context batch tool, almost line for line.
  headway.registerTool(
    'clear_context_batch',
    {
      description: 'Deletes every subject of a context (simulated).',
      inputSchema: { context: z.string(), subjects: z.number().int().min(1).max(500), delayMs: z.number().int().min(0).max(1000).default(10), dry_run: z.boolean().default(true) },
      task: { mode: 'auto', kind: 'cleanup', inlineBudgetMs: 30_000 },
    },
    structuredOutput('clear_context_batch', { fallbackOnError: true })(async (
      { context, subjects: count, delayMs, dry_run }: { context: string; subjects: number; delayMs: number; dry_run: boolean },
      ctx: McpToolContext,
    ) => {
      await ctx.info(`Starting batch clear operation for context '${context}'`, { loggerName: 'BatchOperations' });
      const reporter = ctx.progress;
      reporter.update(0, 'Fetching subjects from context');
      const subjects = Array.from({ length: count }, (_, i) => `${context}-subject-${i}`);
      reporter.update(10, `Found ${subjects.length} subjects`);
      await reporter.phase('Deleting subjects', { total: subjects.length, to: 90 }, async (phase) => {
        for (const [i] of subjects.entries()) {
          await sleep(delayMs);
          phase.updateItem(i);
        }
      });
      reporter.update(90, 'Deleting context');
      await sleep(delayMs);
      reporter.update(100, 'Operation completed');
      return { context, deleted: subjects.length, dry_run };
    }),
  );

  // The seed's count-schemas tool with ctx.reportProgress.
  headway.registerTool(
    'count_schemas',
    { description: 'Counts schemas per context (simulated).', inputSchema: { contexts: z.number().int().min(1).max(50) }, task: { mode: 'inline' } },
    async ({ contexts }, ctx) => {
      await ctx.debug('Starting schema count operation', { loggerName: 'Statistics' });
      let total = 0;
      for (let i = 0; i < contexts; i++) {
        await ctx.reportProgress((i / contexts) * 100, 100, `Counting schemas in context 'ctx-${i}'`);
        await sleep(5);
        total += i;
      }
      await ctx.reportProgress(100, 100, 'Count completed');
      return { total };
    },
  );

  // Argument handling: the SDK's form for "no arguments", no schema at all, object schemas of both
  // Zod versions, one that lets unknown keys through, and one tool that strips like the SDK.
  headway.registerTool('no_args', { description: 'Takes no arguments.', inputSchema: {}, task: { mode: 'inline' } }, async () => ({ ok: true }));
  headway.registerTool('no_schema', { description: 'Has no input schema.', task: { mode: 'inline' } }, async (args) => ({ args }));
  headway.registerTool(
    'zod3_object',
    { description: 'A Zod 3 object schema.', inputSchema: z.object({ dry_run: z.boolean().default(true) }), task: { mode: 'auto' } },
    async ({ dry_run }) => ({ dry_run }),
  );
  headway.registerTool(
    'zod4_object',
    { description: 'A Zod 4 object schema.', inputSchema: z4.object({ dry_run: z4.boolean().default(true) }), task: { mode: 'auto' } },
    async ({ dry_run }) => ({ dry_run }),
  );
  headway.registerTool(
    'loose_object',
    { description: 'Lets unknown keys through on purpose.', inputSchema: z.object({ dry_run: z.boolean().default(true) }).passthrough(), task: { mode: 'inline' } },
    async (args) => ({ args }),
  );
  headway.registerTool(
    'strips_unknown',
    { description: 'Strips unknown arguments.', inputSchema: { dry_run: z.boolean().default(true) }, unknownArguments: 'strip', task: { mode: 'inline' } },
    async (args) => ({ args }),
  );

  // Reports progress once, lets it go out, and returns: the shortest call that sends progress
  // before its final 100, which then travels right before the answer.
  headway.registerTool(
    'quick',
    { description: 'Reports progress once and returns.', inputSchema: { n: z.number().int() }, task: { mode: 'inline' } },
    async ({ n }, ctx) => {
      ctx.progress.update(50, 'half way');
      await sleep(1);
      return { n };
    },
  );

  // Asks a question, then answers with what it got (the same tool in every mode).
  for (const mode of ['inline', 'handle', 'native', 'auto'] as ToolMode[]) {
    headway.registerTool(`ask_${mode}`, { description: `Asks before it finishes (${mode}).`, task: { mode, inlineBudgetMs: 5_000 } }, async (_args, ctx) => {
      const reply = await ctx.elicit({ message: 'Also delete the context?', schema: { type: 'object', properties: { confirm: { type: 'boolean' } }, required: ['confirm'] } });
      return { action: reply.action, confirm: reply.content?.['confirm'] ?? null };
    });
  }
}
