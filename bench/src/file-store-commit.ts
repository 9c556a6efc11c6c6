// file-store-commit: group commit against the disk it runs on. First the disk: a plain Node loop of
// async write + fdatasync of one create record's frame; then FileTaskStore creates with 1 creator
// and with 16, for each way of syncing (O_DSYNC writes, write + fdatasync). The variants take turns
// in blocks of 20 operations, so the load of a shared disk hits them alike; medians over rounds.
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { TaskRecord } from '@headway/core/spi';
import { FileTaskStore } from '@headway/file-store';
import type { SyncMethod } from '@headway/file-store';
import { benchRecord, withTempDir } from './bench-records.js';
import { median, writeResult } from './harness.js';

const ROUNDS = 5;
const BLOCKS = 30;
const BLOCK_OPS = 20;
const CREATORS = 16;
const FRAME_HEADER_BYTES = 12;

let counter = 0;
function record(seq: number): TaskRecord {
  return benchRecord(counter++, seq);
}

/** Bytes one create appends to the log: the frame of `{"o":"c","r":record}`. */
const FRAME_BYTES = FRAME_HEADER_BYTES + Buffer.byteLength(JSON.stringify({ o: 'c', r: record(1) }));

function withDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  return withTempDir('hw-bench-commit-', fn);
}

interface Target {
  name: string;
  /** Runs `ops` operations; returns how many commits they took. */
  block(ops: number): Promise<number>;
  close(): Promise<void>;
}

/** The disk: serial appends of `frames` frames' bytes, each `await write` then `await datasync`. */
async function diskTarget(dir: string, frames: number): Promise<Target> {
  const handle = await open(join(dir, `plain-${frames}.log`), 'w');
  const buf = Buffer.alloc(FRAME_BYTES * frames, 0x61);
  let position = 0;
  return {
    name: frames === 1 ? 'disk' : `disk-${frames}`,
    async block(ops) {
      for (let i = 0; i < ops; i++) {
        await handle.write(buf, 0, buf.length, position);
        await handle.datasync();
        position += buf.length;
      }
      return ops;
    },
    close: () => handle.close(),
  };
}

/** Counts the calls that make a batch durable (the O_DSYNC write, or fdatasync) on every FileHandle. */
async function countCommits(dir: string, method: SyncMethod, fn: () => Promise<void>): Promise<number> {
  const probe = await open(join(dir, 'probe'), 'w');
  const proto = Object.getPrototypeOf(probe) as Record<string, (this: FileHandle, ...args: unknown[]) => Promise<unknown>>;
  await probe.close();
  const name = method === 'dsync' ? 'write' : 'datasync';
  const original = proto[name]!;
  let commits = 0;
  proto[name] = function (this: FileHandle, ...args: unknown[]) {
    commits++;
    return original.apply(this, args);
  };
  try {
    await fn();
    return commits;
  } finally {
    proto[name] = original;
  }
}

/** A store with `creators` loops sharing the creates of a block, each awaiting its own. */
async function storeTarget(dir: string, method: SyncMethod, creators: number): Promise<Target> {
  const store = await FileTaskStore.open(join(dir, `store-${method}-${creators}`), { syncMethod: method, compactAfterBytes: Infinity });
  return {
    name: `${method}-${creators}`,
    block(ops) {
      let next = 0;
      return countCommits(dir, method, async () => {
        await Promise.all(
          Array.from({ length: creators }, async () => {
            while (next < ops) {
              next++;
              await store.create(record(store.nextSeq()));
            }
          }),
        );
      });
    },
    close: () => store.close(),
  };
}

/**
 * One round: every target runs `BLOCKS` blocks of `ops` operations, the targets taking turns block
 * by block (in an order rotated every block), so a change in the disk's load hits them alike.
 */
async function round(targets: Target[], ops: (t: Target) => number): Promise<Map<string, { ms: number; ops: number; commits: number }>> {
  const totals = new Map(targets.map((t) => [t.name, { ms: 0, ops: 0, commits: 0 }]));
  for (let b = 0; b < BLOCKS; b++) {
    for (let k = 0; k < targets.length; k++) {
      const target = targets[(b + k) % targets.length]!;
      const n = ops(target);
      const start = performance.now();
      const commits = await target.block(n);
      const total = totals.get(target.name)!;
      total.ms += performance.now() - start;
      total.ops += n;
      total.commits += commits;
    }
  }
  return totals;
}

export async function main(): Promise<void> {
  const methods: SyncMethod[] = ['dsync', 'fdatasync'];
  const disk: number[] = [];
  const diskBatch: number[] = [];
  const one: Record<SyncMethod, number[]> = { dsync: [], fdatasync: [] };
  const many: Record<SyncMethod, { msPerCommit: number[]; perCommit: number[] }> = {
    dsync: { msPerCommit: [], perCommit: [] },
    fdatasync: { msPerCommit: [], perCommit: [] },
  };
  const ratioOne: Record<SyncMethod, number[]> = { dsync: [], fdatasync: [] };
  const ratioCycle: Record<SyncMethod, number[]> = { dsync: [], fdatasync: [] };
  await withDir(async (dir) => {
    const plain = await diskTarget(dir, 1);
    // The disk's own cost of a batch of 16 frames (more blocks touched per sync than one frame).
    const plainBatch = await diskTarget(dir, CREATORS);
    const singles = await Promise.all(methods.map((m) => storeTarget(dir, m, 1)));
    const groups = await Promise.all(methods.map((m) => storeTarget(dir, m, CREATORS)));
    const targets = [plain, plainBatch, ...singles, ...groups];
    await round(targets, () => 5); // warm-up
    for (let r = 0; r < ROUNDS; r++) {
      // The disk is measured first in each round (and in every block beside the store).
      const totals = await round(targets, (t) => (t.name.endsWith(`-${CREATORS}`) ? BLOCK_OPS * 4 : BLOCK_OPS));
      const lone = totals.get('disk')!.ms / totals.get('disk')!.ops;
      disk.push(lone);
      const batch = totals.get(`disk-${CREATORS}`)!;
      diskBatch.push(batch.ms / batch.ops);
      for (const m of methods) {
        const single = totals.get(`${m}-1`)!;
        one[m].push(single.ms / single.ops);
        ratioOne[m].push(lone / (single.ms / single.ops));
        const group = totals.get(`${m}-${CREATORS}`)!;
        many[m].msPerCommit.push(group.ms / group.commits);
        many[m].perCommit.push(group.ops / group.commits);
        ratioCycle[m].push(group.ms / group.commits / lone);
      }
    }
    for (const t of targets) await t.close();
  });
  const best = methods.reduce((a, b) => (median(ratioOne[a]) >= median(ratioOne[b]) ? a : b));
  const figures: Record<string, unknown> = {
    recordFrameBytes: FRAME_BYTES,
    blocksPerRound: BLOCKS,
    opsPerBlock: { oneCreator: BLOCK_OPS, creators16: BLOCK_OPS * 4, disk: BLOCK_OPS },
    diskWriteFdatasyncMs: { median: median(disk), rounds: disk },
    diskWriteFdatasync16FramesMs: { median: median(diskBatch), rounds: diskBatch },
    disk16FramesVsOne: median(diskBatch) / median(disk),
  };
  for (const m of methods) {
    figures[m] = {
      oneCreatorMsPerCreate: { median: median(one[m]), rounds: one[m] },
      oneCreatorVsDisk: { median: median(ratioOne[m]), rounds: ratioOne[m] },
      creators16MsPerCommit: { median: median(many[m].msPerCommit), rounds: many[m].msPerCommit },
      creators16CreatesPerCommit: median(many[m].perCommit),
      creators16CycleVsLoneWrite: { median: median(ratioCycle[m]), rounds: ratioCycle[m] },
    };
  }
  writeResult({
    name: 'file-store-commit',
    description:
      `Durable creates vs the disk, same run: a plain Node loop of await write + await datasync of one create frame (${FRAME_BYTES} B) ` +
      `vs FileTaskStore with 1 creator and with ${CREATORS} (syncMethod dsync and fdatasync); medians of ${ROUNDS} rounds, variants interleaved in blocks`,
    figures,
    ratios: {
      'dsync 1 creator / disk loop (rate)': median(ratioOne.dsync),
      'fdatasync 1 creator / disk loop (rate)': median(ratioOne.fdatasync),
      'dsync 16 creators commit cycle / lone write+fdatasync': median(ratioCycle.dsync),
      'fdatasync 16 creators commit cycle / lone write+fdatasync': median(ratioCycle.fdatasync),
      'disk: write+fdatasync of 16 frames / of one frame': median(diskBatch) / median(disk),
    },
    targets: [
      { name: `1 creator vs plain write+fdatasync loop (default syncMethod dsync)`, target: '>= 0.9', measured: median(ratioOne.dsync), met: median(ratioOne.dsync) >= 0.9 },
      { name: `16 creators: commit cycle vs one lone write+fdatasync (dsync)`, target: '<= 1.5', measured: median(ratioCycle.dsync), met: median(ratioCycle.dsync) <= 1.5 },
    ],
  });
  console.log(
    `  disk ${(median(disk) * 1000).toFixed(0)} µs per write+fdatasync of one frame, ${(median(diskBatch) * 1000).toFixed(0)} µs of ${CREATORS} frames; best 1-creator method: ${best}`,
  );
  for (const m of methods) {
    console.log(
      `  ${m}: 1 creator ${(median(one[m]) * 1000).toFixed(0)} µs/create (${median(ratioOne[m]).toFixed(2)}× the disk's rate); ` +
        `16 creators ${(median(many[m].msPerCommit) * 1000).toFixed(0)} µs/commit, ${median(many[m].perCommit).toFixed(1)} creates/commit`,
    );
  }
}
