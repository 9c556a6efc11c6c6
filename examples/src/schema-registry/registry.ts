import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

export interface SchemaRegistryOptions {
  /** Directory holding one folder per context and one JSON file per subject. */
  dir: string;
  /** Latency added to every operation, standing in for a remote registry's round trip. Default 20 ms. */
  latencyMs?: number;
}

/**
 * A small schema registry kept in real files: contexts are folders, subjects are JSON files holding
 * their schema versions. It is the seed brief's `registry_manager`, made runnable.
 */
export class SchemaRegistry {
  readonly dir: string;
  private readonly latencyMs: number;

  constructor(options: SchemaRegistryOptions) {
    this.dir = options.dir;
    this.latencyMs = options.latencyMs ?? 20;
  }

  /** Creates `subjects` subjects with a few versions each in `context` (for demos and tests). */
  async seed(context: string, subjects: number): Promise<void> {
    const dir = this.contextDir(context);
    await mkdir(dir, { recursive: true });
    for (let i = 0; i < subjects; i++) {
      const versions = Array.from({ length: 1 + (i % 3) }, (_, v) => ({
        version: v + 1,
        schema: { type: 'record', name: `Event${i}`, fields: [{ name: 'id', type: 'string' }, { name: `f${v}`, type: 'long' }] },
      }));
      await writeFile(join(dir, `subject-${String(i).padStart(4, '0')}-value.json`), JSON.stringify(versions));
    }
  }

  async contexts(signal?: AbortSignal): Promise<string[]> {
    await this.roundTrip(signal);
    const entries = await readdir(this.dir, { withFileTypes: true }).catch(() => []);
    return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  }

  async subjects(context: string, signal?: AbortSignal): Promise<string[]> {
    await this.roundTrip(signal);
    const files = await readdir(this.contextDir(context)).catch(() => []);
    return files.filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
  }

  async versions(context: string, subject: string, signal?: AbortSignal): Promise<number> {
    return (await this.schemaVersions(context, subject, signal)).length;
  }

  /** Every version of a subject, oldest first. */
  async schemaVersions(context: string, subject: string, signal?: AbortSignal): Promise<unknown[]> {
    await this.roundTrip(signal);
    const text = await readFile(join(this.contextDir(context), `${subject}.json`), 'utf8');
    return JSON.parse(text) as unknown[];
  }

  async deleteSubject(context: string, subject: string, signal?: AbortSignal): Promise<void> {
    await this.roundTrip(signal);
    await rm(join(this.contextDir(context), `${subject}.json`));
  }

  async deleteContext(context: string, signal?: AbortSignal): Promise<void> {
    await this.roundTrip(signal);
    await rm(this.contextDir(context), { recursive: true, force: true });
  }

  private contextDir(context: string): string {
    if (!/^[A-Za-z0-9._-]{1,100}$/.test(context) || context.startsWith('.')) {
      throw new Error(`Invalid context name: ${JSON.stringify(context)}`);
    }
    return join(this.dir, context);
  }

  private async roundTrip(signal?: AbortSignal): Promise<void> {
    if (this.latencyMs > 0) await delay(this.latencyMs, undefined, { signal });
    else signal?.throwIfAborted();
  }
}
