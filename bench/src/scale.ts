// scale: the stores at 10,000, 100,000 and 1,000,000 records (memory and file): create, complete,
// sweep (nothing expired, then half), compaction, list with each filter, get; the event loop's
// longest stall and p99 in each phase (a 5 ms timer chain, and perf_hooks.monitorEventLoopDelay,
// which on Node 20 misses some blocks: see stall-probe.ts), time per task, and for
// the file store the time and memory of opening. Sizes: `--sizes 10000,100000` (default all three);
// stores: `--stores memory,pack,file` (default all three; pack is the memory store with packFinished).
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setImmediate as yieldToLoop, setTimeout as sleep } from 'node:timers/promises';
import { ANY_OWNER } from '@headway/core';
import type { TaskStatus } from '@headway/core';
import { MemoryTaskStore } from '@headway/core/spi';
import type { ListQuery, TaskRecord, TaskStore } from '@headway/core/spi';
import { FileTaskStore } from '@headway/file-store';
import { benchRecord, withTempDir } from './bench-records.js';
import { median, writeResult } from './harness.js';
import { measureStalls } from './stall-probe.js';

const DEFAULT_SIZES = [10_000, 100_000, 1_000_000];
/** The stores measured: the memory store as it comes, packing finished records, and the file store (which packs). */
const KINDS = ['memory', 'memory (packFinished)', 'file'] as const;
type Kind = (typeof KINDS)[number];
const KIND_FLAGS: Record<string, Kind> = { memory: 'memory', pack: 'memory (packFinished)', file: 'file' };
/** Operations issued together before the driver yields to the event loop (as a server under load would). */
const CHUNK = 100;
const GETS = 10_000;
const STALL_LIMIT_MS = 50;
const NOISE = 'idle (noise floor)';
/** Phases not held to the stall limit: the machine's own noise, and opening (start-up, not service). */
const UNLIMITED = new Set([NOISE, 'open']);

interface Phase {
  ms: number;
  /** CPU time of the whole process (every thread: GC helpers, the libuv pool) during the phase. */
  cpuMs: number;
  /** From the timer-chain probe (see stall-probe.ts). */
  stallMaxMs: number;
  stallP99Ms: number;
  /** From perf_hooks.monitorEventLoopDelay. */
  histogramMaxMs: number;
  histogramP99Ms: number;
}

const gc = (): void => {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect) for (let i = 0; i < 2; i++) collect();
};

async function phase(fn: () => Promise<unknown>): Promise<Phase> {
  const cpu = process.cpuUsage();
  const { ms, stalls } = await measureStalls(fn);
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000, stallMaxMs: stalls.maxMs, stallP99Ms: stalls.p99Ms, histogramMaxMs: stalls.histogramMaxMs, histogramP99Ms: stalls.histogramP99Ms };
}

function record(n: number, seq: number): TaskRecord {
  return benchRecord(n, seq, { kind: n % 2 ? 'export' : 'import', metadata: { source: 'bench' } });
}

/** Runs `count` operations `op(i)`, `CHUNK` at a time, yielding to the event loop between chunks. */
async function chunked(count: number, op: (i: number) => unknown): Promise<void> {
  for (let i = 0; i < count; i += CHUNK) {
    const pending: unknown[] = [];
    for (let j = i; j < Math.min(count, i + CHUNK); j++) pending.push(op(j));
    await Promise.all(pending);
    await yieldToLoop();
  }
}

const LISTS: Record<string, Omit<ListQuery, 'limit' | 'cursor'>> = {
  'no filter': { owner: ANY_OWNER },
  'owner': { owner: 'owner-3' },
  'status completed (matches most)': { owner: ANY_OWNER, status: ['completed'] },
  'status queued (matches none)': { owner: ANY_OWNER, status: ['queued'] },
  'status working (matches none)': { owner: ANY_OWNER, status: ['working'] },
  'status failed+cancelled (matches none)': { owner: ANY_OWNER, status: ['failed', 'cancelled'] },
  'kind export (matches half)': { owner: ANY_OWNER, kind: 'export' },
  'kind unknown (matches none)': { owner: ANY_OWNER, kind: 'no-such-kind' },
  'owner + status input_required (matches none)': { owner: 'owner-3', status: ['input_required' as TaskStatus] },
};

interface SizeFigures {
  size: number;
  phases: Record<string, Phase>;
  msPerTask: number;
  listMsPerCall: Record<string, number>;
  getUsPerCall: number;
  open?: { ms: number; cpuMs: number; peakRssMiB: number; peakHeapMiB: number; steadyRssMiB: number; steadyHeapMiB: number; peakHeapVsSteady: number; diskMiB: number };
}

async function exercise(store: TaskStore, size: number, extra: (phases: Record<string, Phase>, store: TaskStore) => Promise<TaskStore>): Promise<SizeFigures> {
  const phases: Record<string, Phase> = {};
  // Nothing but timers: the stalls the machine itself causes (other processes on the same cores).
  phases[NOISE] = await phase(() => sleep(1000));
  const ids: string[] = new Array<string>(size);
  phases.create = await phase(() =>
    chunked(size, async (i) => {
      const r = record(i, (await store.nextSeq()) as number);
      ids[i] = r.id;
      await store.create(r);
    }),
  );
  const now = Date.now();
  const sweepAt = now + 600_000;
  phases.complete = await phase(() =>
    chunked(size, async (i) => {
      const id = ids[i]!;
      await store.update(id, { status: 'working', startedAt: Date.now() }, { expect: ['queued'] });
      const at = Date.now();
      // Half expire at sweepAt, half an hour later.
      await store.update(id, { status: 'completed', progress: 100, result: { ok: true }, finishedAt: at, expiresAt: i % 2 ? sweepAt : sweepAt + 3_600_000 }, { expect: ['working'] });
    }),
  );
  const listMsPerCall: Record<string, number> = {};
  phases.list = await phase(async () => {
    for (const [name, query] of Object.entries(LISTS)) {
      const times: number[] = [];
      for (let k = 0; k < 5; k++) {
        const start = performance.now();
        await store.list({ ...query, limit: 100 });
        times.push(performance.now() - start);
        await yieldToLoop();
      }
      listMsPerCall[name] = median(times);
    }
  });
  let getUs = 0;
  phases.get = await phase(async () => {
    const start = performance.now();
    for (let k = 0; k < GETS; k++) {
      await store.get(ids[(k * 7919) % size]!, ANY_OWNER);
      if (k % CHUNK === 0) await yieldToLoop();
    }
    getUs = ((performance.now() - start) * 1000) / GETS;
  });
  phases['sweep (nothing expired)'] = await phase(() => Promise.resolve(store.sweep(now)));
  // Compaction and opening (file store) at the full size; they may hand back a reopened store.
  const current = await extra(phases, store);
  let swept = 0;
  phases['sweep (half expired)'] = await phase(async () => {
    swept = (await current.sweep(sweepAt)) as number;
  });
  if (swept !== Math.floor(size / 2)) throw new Error(`swept ${swept} of ${size}, expected half`);
  return { size, phases, msPerTask: (phases.create!.ms + phases.complete!.ms) / size, listMsPerCall, getUsPerCall: getUs };
}

async function dirMiB(dir: string): Promise<number> {
  let total = 0;
  for (const name of await readdir(dir)) total += (await stat(join(dir, name))).size;
  return total / 2 ** 20;
}

function fileRun(size: number): Promise<SizeFigures> {
  return withTempDir('hw-bench-scale-', async (dir) => {
    let store = await FileTaskStore.open(dir);
    let open: SizeFigures['open'];
    const figures = await exercise(store, size, async (phases) => {
      phases.compaction = await phase(() => store.compact());
      // Opening: close, collect, then open again, sampling memory meanwhile.
      const remaining = store.size;
      await store.close();
      gc();
      let peakRss = 0;
      let peakHeap = 0;
      const sample = () => {
        const m = process.memoryUsage();
        peakRss = Math.max(peakRss, m.rss);
        peakHeap = Math.max(peakHeap, m.heapUsed);
      };
      const sampler = setInterval(sample, 5);
      let reopened!: FileTaskStore;
      const cpuBefore = process.cpuUsage();
      phases.open = await phase(async () => {
        reopened = await FileTaskStore.open(dir);
      });
      // CPU of every thread of the process (the main thread, GC helpers, the libuv pool) while opening.
      const cpu = process.cpuUsage(cpuBefore);
      sample();
      clearInterval(sampler);
      if (reopened.size !== remaining) throw new Error(`reopened ${reopened.size} records, expected ${remaining}`);
      store = reopened;
      gc();
      const steady = process.memoryUsage();
      const mib = (n: number) => n / 2 ** 20;
      open = {
        ms: phases.open.ms,
        cpuMs: (cpu.user + cpu.system) / 1000,
        peakRssMiB: mib(peakRss),
        peakHeapMiB: mib(peakHeap),
        steadyRssMiB: mib(steady.rss),
        steadyHeapMiB: mib(steady.heapUsed),
        peakHeapVsSteady: peakHeap / steady.heapUsed,
        diskMiB: await dirMiB(dir),
      };
      return store;
    });
    await store.close();
    return { ...figures, ...(open && { open }) };
  });
}

/** The value of `--name value` or `--name=value`, if given. */
function flag(argv: readonly string[], name: string): string | undefined {
  const i = argv.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (i < 0) return undefined;
  return (argv[i]!.includes('=') ? argv[i]!.slice(name.length + 1) : argv[i + 1]) ?? '';
}

function parseSizes(argv: readonly string[]): number[] {
  const text = flag(argv, '--sizes');
  if (text === undefined) return DEFAULT_SIZES;
  const sizes = (text ?? '').split(',').map((s) => Number(s.replace(/_/g, '')));
  if (sizes.length === 0 || sizes.some((n) => !Number.isInteger(n) || n < 1000)) {
    throw new Error(`--sizes expects a comma-separated list of whole numbers of at least 1000, got ${JSON.stringify(text)}`);
  }
  return sizes;
}

function parseKinds(argv: readonly string[]): Kind[] {
  const text = flag(argv, '--stores');
  if (text === undefined) return [...KINDS];
  const names = text.split(',');
  const unknown = names.filter((n) => !(n in KIND_FLAGS));
  if (names.length === 0 || unknown.length > 0) {
    throw new Error(`--stores expects a comma-separated list of ${Object.keys(KIND_FLAGS).join(', ')}, got ${JSON.stringify(text)}`);
  }
  return KINDS.filter((kind) => names.some((n) => KIND_FLAGS[n] === kind));
}

export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  const sizes = parseSizes(argv);
  const kinds = parseKinds(argv);
  const runs: Record<Kind, (size: number) => Promise<SizeFigures>> = {
    'memory': (size) => exercise(new MemoryTaskStore(), size, async (_phases, store) => store),
    'memory (packFinished)': (size) => exercise(new MemoryTaskStore({ packFinished: true }), size, async (_phases, store) => store),
    'file': fileRun,
  };
  const results = Object.fromEntries(kinds.map((kind) => [kind, [] as SizeFigures[]])) as Partial<Record<Kind, SizeFigures[]>>;
  for (const size of sizes) {
    for (const kind of kinds) {
      // Each store is garbage once measured, before the next one's run.
      gc();
      results[kind]!.push(await runs[kind](size));
    }
    for (const kind of kinds) {
      const f = results[kind]!.at(-1)!;
      const worst = Object.entries(f.phases).filter(([name]) => !UNLIMITED.has(name)).reduce((a, b) => (b[1].stallMaxMs > a[1].stallMaxMs ? b : a));
      console.log(
        `  ${kind} ${size}: ${(f.msPerTask * 1000).toFixed(1)} µs/task (${(((f.phases.create!.cpuMs + f.phases.complete!.cpuMs) / size) * 1000).toFixed(1)} µs CPU); get ${f.getUsPerCall.toFixed(1)} µs; longest stall ${worst[1].stallMaxMs.toFixed(0)} ms (${worst[0]}; ` +
          `idle noise floor ${f.phases[NOISE]!.stallMaxMs.toFixed(0)} ms)` +
          (f.open ? `; open ${f.open.ms.toFixed(0)} ms (${f.open.cpuMs.toFixed(0)} ms CPU), peak heap ${f.open.peakHeapVsSteady.toFixed(2)}× steady` : ''),
      );
    }
  }
  const smallest = sizes[0]!;
  const largest = sizes[sizes.length - 1]!;
  const ratios: Record<string, number> = {};
  const targets: { name: string; target: string; measured: number; met: boolean }[] = [];
  for (const kind of kinds) {
    const small = results[kind]![0]!;
    const large = results[kind]!.at(-1)!;
    const perTask = large.msPerTask / small.msPerTask;
    ratios[`${kind} time per task ${largest}/${smallest}`] = perTask;
    ratios[`${kind} get ${largest}/${smallest}`] = large.getUsPerCall / small.getUsPerCall;
    for (const name of Object.keys(LISTS)) ratios[`${kind} list "${name}" ${largest}/${smallest}`] = large.listMsPerCall[name]! / small.listMsPerCall[name]!;
    targets.push({ name: `${kind}: time per task, ${largest} vs ${smallest}`, target: '<= 2x', measured: perTask, met: perTask <= 2 });
    for (const f of results[kind]!) {
      const worst = Math.max(...Object.entries(f.phases).filter(([name]) => !UNLIMITED.has(name)).map(([, p]) => p.stallMaxMs));
      targets.push({ name: `${kind} ${f.size}: longest event-loop stall in any phase but open (ms)`, target: `<= ${STALL_LIMIT_MS}`, measured: worst, met: worst <= STALL_LIMIT_MS });
    }
  }
  const largeFile = results.file?.at(-1);
  if (largeFile?.open) {
    targets.push({ name: `file ${largest}: open (ms)`, target: largest >= 1_000_000 ? '<= 3000' : 'n/a below 1M', measured: largeFile.open.ms, met: largeFile.open.ms <= 3000 });
    targets.push({ name: `file ${largest}: peak heap while opening vs steady`, target: '<= 1.5x', measured: largeFile.open.peakHeapVsSteady, met: largeFile.open.peakHeapVsSteady <= 1.5 });
  }
  writeResult({
    name: 'scale',
    description:
      `Memory and file stores at ${sizes.join(', ')} records: create and complete (${CHUNK} at a time, yielding between chunks), ` +
      'list with each filter (first page of 100), get, sweep (nothing expired; half expired), compaction and open (file); ' +
      'event-loop stall max and p99 per phase (a 5 ms timer chain; monitorEventLoopDelay beside it, 10 ms resolution, its period subtracted)',
    figures: { sizes, ...results },
    ratios,
    targets,
  });
}
