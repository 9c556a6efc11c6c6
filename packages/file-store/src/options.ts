import { constants } from 'node:fs';
import { InvalidArgumentError } from '@headway/core';
import type { Durability } from './log-writer.js';

/** The steps of a compaction, in order; `onCompactionStep` runs after each. */
export const COMPACTION_STEPS = [
  'rotated',
  'snapshot-written',
  'snapshot-synced',
  'snapshot-renamed',
  'directory-synced',
  'old-logs-removed',
] as const;
export type CompactionStep = (typeof COMPACTION_STEPS)[number];

export interface FileTaskStoreOptions {
  /**
   * `fsync` (default): a write resolves once fdatasync returned; survives process crashes and
   * power loss. `os`: resolves once the OS has the bytes; survives a process crash, but a kernel
   * crash or power loss may lose the last seconds of acknowledged writes.
   */
  durability?: Durability;
  /**
   * How `fsync` durability reaches the disk: `'dsync'` (default where the platform has O_DSYNC)
   * opens the log with O_DSYNC, so one write per batch is durable when it returns; `'fdatasync'`
   * writes, then calls fdatasync (two trips to the thread pool per batch). Ignored with `os`.
   */
  syncMethod?: SyncMethod;
  /** Compact once the current log exceeds this many bytes (and the last snapshot's size). Default 16 MiB; `Infinity` turns automatic compaction off. */
  compactAfterBytes?: number;
  /** Called with recoverable problems (a torn last record dropped, a failed background compaction). Default: `process.emitWarning`. */
  onWarning?: (message: string) => void;
  /** Testing hook: awaited after each compaction step. */
  onCompactionStep?: (step: CompactionStep) => void | Promise<void>;
}

export type SyncMethod = 'dsync' | 'fdatasync';

export interface ResolvedFileTaskStoreOptions {
  durability: Durability;
  syncMethod: SyncMethod;
  compactAfterBytes: number;
  onWarning: (message: string) => void;
  onCompactionStep?: (step: CompactionStep) => void | Promise<void>;
}

export const DEFAULT_COMPACT_AFTER_BYTES = 16 * 1024 * 1024;

type SyncChoice = Pick<ResolvedFileTaskStoreOptions, 'durability' | 'syncMethod'>;

/** True when the log is opened with O_DSYNC: each write is durable when it returns. */
export function durableWrites(options: SyncChoice): boolean {
  return options.durability === 'fsync' && options.syncMethod === 'dsync';
}

/** Flags the current log is opened with for appending. */
export function appendFlags(options: SyncChoice): number {
  return constants.O_RDWR | (durableWrites(options) ? constants.O_DSYNC : 0);
}

export function resolveOptions(options: FileTaskStoreOptions | undefined): ResolvedFileTaskStoreOptions {
  if (options === undefined) options = {};
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('options', options, 'an object');
  const durability = options.durability ?? 'fsync';
  if (durability !== 'fsync' && durability !== 'os') throw new InvalidArgumentError('durability', durability, '"fsync" or "os"');
  const syncMethod = options.syncMethod ?? (typeof constants.O_DSYNC === 'number' ? 'dsync' : 'fdatasync');
  if (syncMethod !== 'dsync' && syncMethod !== 'fdatasync') throw new InvalidArgumentError('syncMethod', syncMethod, '"dsync" or "fdatasync"');
  if (syncMethod === 'dsync' && typeof constants.O_DSYNC !== 'number') {
    throw new InvalidArgumentError('syncMethod', syncMethod, '"fdatasync" (this platform has no O_DSYNC)');
  }
  const compactAfterBytes = options.compactAfterBytes ?? DEFAULT_COMPACT_AFTER_BYTES;
  if (typeof compactAfterBytes !== 'number' || !(compactAfterBytes > 0)) {
    throw new InvalidArgumentError('compactAfterBytes', compactAfterBytes, 'a number of bytes greater than 0, or Infinity');
  }
  for (const name of ['onWarning', 'onCompactionStep'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') throw new InvalidArgumentError(name, options[name], 'a function');
  }
  return {
    durability,
    syncMethod,
    compactAfterBytes,
    onWarning: options.onWarning ?? ((message) => process.emitWarning(message, { code: 'HEADWAY_FILE_STORE' })),
    ...(options.onCompactionStep && { onCompactionStep: options.onCompactionStep }),
  };
}
