import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { SeedTaskContext } from '@headway/core/compat';
import { z } from 'zod/v4';
import type { ExampleTool } from '../shared/example-tool.js';
import type { SchemaRegistry } from './registry.js';

export interface RegistryToolsOptions {
  /** Where `export_context` writes its bundles. Default: `exports` beside the registry's directory. */
  exportDir?: string;
}

const CONTEXT = z
  .string()
  .min(1)
  .describe('Name of the schema-registry context (a folder of subjects), e.g. "dev" or "staging"; letters, digits, ".", "_" and "-"');

/** What a resumed `clear_context_batch` knows: how many subjects there were and how many are gone. */
interface ClearCheckpoint {
  found: number;
  deleted: number;
}

/**
 * The schema-registry batch tools, written once for either binding (`registerExampleTools` from
 * ../shared/example-tool.js for SDK v1, `registerExampleToolsV2` for SDK v2). The arguments come
 * first, the context second (`ctx`), and progress phases map into their slot so the bar never goes
 * back. Item messages are plain (the subject): the v2 binding words the status line itself
 * (phase, counts, percent, ETA).
 */
export function registryTools(registry: SchemaRegistry, options: RegistryToolsOptions = {}): ExampleTool[] {
  const exportDir = options.exportDir ?? join(dirname(registry.dir), 'exports');
  return [
  {
    name: 'clear_context_batch',
    config: {
      title: 'Clear a schema-registry context',
      description:
        'Deletes every subject of a schema-registry context, then (optionally) the context itself. ' +
        'dry_run (default true) only reads what would be deleted: pass dry_run: false to delete. ' +
        'Long-running (a registry round trip per subject): reports progress with counts and ETA, and answers with a task id ' +
        'to follow with task_status / task_wait when it outlives the inline budget. Resumes where it stopped after a server restart.',
      input: {
        context: CONTEXT,
        delete_context_after: z.boolean().default(true).describe('Also delete the (then empty) context itself. Default true.'),
        dry_run: z.boolean().default(true).describe('Only count what would be deleted, changing nothing. Default true: pass false to delete.'),
      },
      annotations: { title: 'Clear a schema-registry context', readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
      task: { mode: 'auto', kind: 'cleanup', timeoutMs: 30 * 60_000, resumable: true },
    },
    run: async (input, ctx: SeedTaskContext) => {
        const args = input as { context: string; delete_context_after: boolean; dry_run: boolean };
        const resumed = ctx.resumeFrom as ClearCheckpoint | undefined;
        await ctx.info(`${resumed ? 'Resuming' : 'Starting'} batch clear operation for context '${args.context}'${args.dry_run ? ' (dry run)' : ''}`, {
          loggerName: 'BatchOperations',
        });
        ctx.progress.update(0, `Fetching subjects from context ${args.context}`);
        const subjects = await registry.subjects(args.context, ctx.signal);
        // A resumed run lists only what is left: counts stay those of the whole clear, and what is
        // gone is what is no longer listed (subjects deleted after the last checkpoint count too).
        const found = resumed ? Math.max(resumed.found, resumed.deleted + subjects.length) : subjects.length;
        const alreadyDeleted = found - subjects.length;
        ctx.progress.update(10, `Found ${found} subjects in ${args.context}`);

        const verb = args.dry_run ? 'Checking subjects' : 'Deleting subjects';
        let done = alreadyDeleted;
        // `from`: a resumed run's phase spans 10–90 again (not from the progress it stopped at), so
        // its first items land where they stood and counts and percent agree.
        await ctx.progress.phase(verb, { total: Math.max(1, found), from: 10, to: 90 }, async (phase) => {
          if (done > 0) phase.updateItem(done - 1);
          for (const subject of subjects) {
            if (args.dry_run) await registry.versions(args.context, subject, ctx.signal);
            else await registry.deleteSubject(args.context, subject, ctx.signal);
            done++;
            phase.updateItem(done - 1, subject);
            if (!args.dry_run && done % 10 === 0) await ctx.checkpoint({ found, deleted: done } satisfies ClearCheckpoint);
          }
        });

        const deleteContext = args.delete_context_after && !args.dry_run;
        if (deleteContext) {
          ctx.progress.update(90, `Deleting context ${args.context}`);
          await registry.deleteContext(args.context, ctx.signal);
        }
        ctx.progress.update(100, 'Operation completed');
        return {
          context: args.context,
          dry_run: args.dry_run,
          subjects_found: found,
          subjects_deleted: args.dry_run ? 0 : done,
          context_deleted: deleteContext,
        };
      },
  },
  {
    name: 'count_schemas',
    config: {
      title: 'Count schemas',
      description:
        'Counts subjects and schema versions, in one context or across all of them (a registry round trip per subject). ' +
        'Reports progress with counts and ETA; answers with a task id to follow with task_wait when it outlives the inline budget.',
      input: {
        context: CONTEXT.optional().describe('Only count this context; omit to count every context'),
      },
      annotations: { title: 'Count schemas', readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
      task: { mode: 'auto', kind: 'statistics' },
    },
    run: async (input, ctx: SeedTaskContext) => {
      const args = input as { context?: string };
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
            phase.updateItem(i, subject);
          }
        });
        perContext[context] = { subjects: subjects.length, versions };
      }
      const totals = Object.values(perContext).reduce((a, c) => ({ subjects: a.subjects + c.subjects, versions: a.versions + c.versions }), { subjects: 0, versions: 0 });
      return { contexts: perContext, ...totals };
    },
  },
  {
    name: 'export_context',
    config: {
      title: 'Export a context',
      description:
        'Writes every subject of a context, with all its schema versions, to one JSON bundle on the server. ' +
        'Always answers at once with a task id (handle mode): follow it with task_status, task_wait or task_result, stop it with task_cancel.',
      input: { context: CONTEXT },
      annotations: { title: 'Export a context', readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
      task: { mode: 'handle', kind: 'export', timeoutMs: 30 * 60_000 },
    },
    run: async (input, ctx: SeedTaskContext) => {
      const args = input as { context: string };
      ctx.progress.update(0, `Listing subjects of ${args.context}`);
      const subjects = await registry.subjects(args.context, ctx.signal);
      const bundle: Record<string, unknown[]> = {};
      await ctx.progress.phase('Reading subjects', { total: Math.max(1, subjects.length), to: 95 }, async (phase) => {
        for (const [i, subject] of subjects.entries()) {
          bundle[subject] = await registry.schemaVersions(args.context, subject, ctx.signal);
          phase.updateItem(i, subject);
        }
      });
      ctx.progress.update(95, 'Writing the bundle');
      await mkdir(exportDir, { recursive: true });
      const file = join(exportDir, `${args.context}.json`);
      await writeFile(file, JSON.stringify({ context: args.context, subjects: bundle }, null, 2));
      await ctx.info(`Exported ${subjects.length} subjects of '${args.context}' to ${file}`, { loggerName: 'Export' });
      return { context: args.context, subjects: subjects.length, file };
    },
  },
  ];
}
