import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
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

/** One variant of an interleaved measurement: `run(i)` is one call. */
export interface Variant {
  name: string;
  run: (n: number) => Promise<unknown>;
}

/**
 * Runs the variants interleaved call by call, so drift on a noisy machine hits all alike, and
 * alternates their order every round: a call's background work lands during whichever call comes
 * next, so no variant may always come next. Returns each variant's wall times in ms.
 */
export async function measureInterleaved(variants: readonly Variant[], warmup: number, rounds: number): Promise<Record<string, number[]>> {
  for (let i = 0; i < warmup; i++) for (const v of variants) await v.run(i);
  const times: Record<string, number[]> = Object.fromEntries(variants.map((v) => [v.name, []]));
  for (let i = 0; i < rounds; i++) {
    for (const v of i % 2 === 0 ? variants : [...variants].reverse()) {
      const start = performance.now();
      await v.run(i);
      times[v.name]!.push(performance.now() - start);
    }
  }
  return times;
}

/**
 * Starts a benchmark's server script (next to this file, built) in its own process, and resolves
 * once it prints `listening <port>`. It exits when its stdin closes.
 */
export async function startServerScript(file: string): Promise<{ child: ChildProcess; port: number }> {
  const script = fileURLToPath(new URL(`./${file}`, import.meta.url));
  const child = spawn(process.execPath, [script], { stdio: ['pipe', 'pipe', 'inherit'] });
  let output = '';
  for await (const chunk of child.stdout!) {
    output += String(chunk);
    const match = /listening (\d+)/.exec(output);
    if (match) return { child, port: Number(match[1]) };
  }
  throw new Error(`${file} exited before listening: ${output}`);
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
