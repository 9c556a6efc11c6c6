import type { HeadwayMcp, McpToolContext } from '@headway/mcp';
import { structuredOutput } from '@headway/mcp';
import { z } from 'zod';
import type { SchemaRegistry } from './registry.js';

/**
 * The seed brief's schema-registry batch tools, written with Headway. Compare with the brief's
 * Python: the arguments come first, the context second (`ctx`), and progress phases map into
 * their slot so the bar never goes back.
 */
export function registerRegistryTools(headway: HeadwayMcp, registry: SchemaRegistry): void {
  headway.registerTool(
    'clear_context_batch',
    {
      title: 'Clear a schema-registry context',
      description:
        'Deletes every subject of a schema-registry context, then (optionally) the context itself. ' +
        'Long-running: reports progress, and answers with a task handle if it takes longer than the inline budget. ' +
        'dryRun (default true) only counts what would be deleted.',
      inputSchema: {
        context: z.string().min(1).describe('The context to clear'),
        deleteContextAfter: z.boolean().default(true),
        dryRun: z.boolean().default(true),
      },
      task: { mode: 'auto', kind: 'cleanup', timeoutMs: 30 * 60_000, resumable: true },
    },
    structuredOutput('clear_context_batch', { fallbackOnError: true })(
      async (args: { context: string; deleteContextAfter: boolean; dryRun: boolean }, ctx: McpToolContext) => {
        await ctx.info(`Starting batch clear operation for context '${args.context}'`, { loggerName: 'BatchOperations' });
        ctx.progress.update(0, `Fetching subjects from context ${args.context}`);
        const subjects = await registry.subjects(args.context, ctx.signal);
        ctx.progress.update(10, `Found ${subjects.length} subjects`);

        // Resumable: after a restart, subjects already deleted are gone from the listing anyway.
        let deleted = 0;
        await ctx.progress.phase('Deleting subjects', { total: Math.max(1, subjects.length), to: 90 }, async (phase) => {
          for (const [i, subject] of subjects.entries()) {
            if (!args.dryRun) await registry.deleteSubject(args.context, subject, ctx.signal);
            else await registry.versions(args.context, subject, ctx.signal);
            deleted++;
            phase.updateItem(i, subject);
          }
        });

        if (args.deleteContextAfter && !args.dryRun) {
          ctx.progress.update(90, 'Deleting context');
          await registry.deleteContext(args.context, ctx.signal);
        }
        ctx.progress.update(100, 'Operation completed');
        return {
          context: args.context,
          dryRun: args.dryRun,
          subjectsFound: subjects.length,
          subjectsDeleted: args.dryRun ? 0 : deleted,
          contextDeleted: args.deleteContextAfter && !args.dryRun,
        };
      },
    ),
  );

  headway.registerTool(
    'count_schemas',
    {
      title: 'Count schemas',
      description: 'Counts subjects and schema versions, per context or across all contexts, with progress.',
      inputSchema: {
        context: z.string().optional().describe('Only this context'),
      },
      task: { mode: 'inline', kind: 'statistics' },
    },
    structuredOutput('count_schemas', { fallbackOnError: true })(async (args: { context?: string }, ctx: McpToolContext) => {
      await ctx.debug('Starting schema count operation', { loggerName: 'Statistics' });
      const contexts = args.context ? [args.context] : await registry.contexts(ctx.signal);
      const perContext: Record<string, { subjects: number; versions: number }> = {};
      // One phase per context, each an equal share, moving per subject.
      const share = 100 / Math.max(1, contexts.length);
      for (const context of contexts) {
        const subjects = await registry.subjects(context, ctx.signal);
        let versions = 0;
        await ctx.progress.phase(`Counting '${context}'`, { total: Math.max(1, subjects.length), weight: share }, async (phase) => {
          for (const [i, subject] of subjects.entries()) {
            versions += await registry.versions(context, subject, ctx.signal);
            phase.updateItem(i, `${context}/${subject}`);
          }
        });
        perContext[context] = { subjects: subjects.length, versions };
      }
      const totals = Object.values(perContext).reduce((a, c) => ({ subjects: a.subjects + c.subjects, versions: a.versions + c.versions }), { subjects: 0, versions: 0 });
      return { contexts: perContext, ...totals };
    }),
  );
}
