import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

/** bench/results, whether run from src (tsx) or dist. */
export const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');

export interface BenchResult {
  /** File name under bench/results (without .json). */
  name: string;
  /** What was compared, in one sentence. */
  description: string;
  /** Raw figures, per variant. */
  figures: Record<string, unknown>;
  /** Headline ratios (e.g. headway/baseline), each with how it was computed. */
  ratios: Record<string, number>;
  /** Each target from the issue with the measured value and whether it is met. */
  targets: { name: string; target: string; measured: number; met: boolean }[];
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Runs `fn` `rounds` times, interleaving nothing; returns each round's wall time in ms. */
export async function timeRounds(rounds: number, fn: () => unknown): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return times;
}

/** Writes bench/results/<name>.json with machine facts, and prints a short summary. */
export function writeResult(result: BenchResult): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `${result.name}.json`);
  const payload = {
    ...result,
    at: new Date().toISOString(),
    node: process.version,
    cpus: (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency,
  };
  writeFileSync(file, `${JSON.stringify(payload, null, 2)}\n`);
  console.log(`\n${result.name}: ${result.description}`);
  for (const [k, v] of Object.entries(result.ratios)) console.log(`  ratio ${k}: ${v.toFixed(3)}`);
  for (const t of result.targets) console.log(`  ${t.met ? 'MET ' : 'MISS'} ${t.name}: ${t.measured.toPrecision(4)} (target ${t.target})`);
  console.log(`  -> ${file}`);
}
