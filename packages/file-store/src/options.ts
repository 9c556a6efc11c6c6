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
  /** Compact once the current log exceeds this many bytes (and the last snapshot's size). Default 16 MiB; `Infinity` turns automatic compaction off. */
  compactAfterBytes?: number;
  /** Called with recoverable problems (a torn last record dropped, a failed background compaction). Default: `process.emitWarning`. */
  onWarning?: (message: string) => void;
  /** Testing hook: awaited after each compaction step. */
  onCompactionStep?: (step: CompactionStep) => void | Promise<void>;
}

export interface ResolvedFileTaskStoreOptions {
  durability: Durability;
  compactAfterBytes: number;
  onWarning: (message: string) => void;
  onCompactionStep?: (step: CompactionStep) => void | Promise<void>;
}

export const DEFAULT_COMPACT_AFTER_BYTES = 16 * 1024 * 1024;

export function resolveOptions(options: FileTaskStoreOptions | undefined): ResolvedFileTaskStoreOptions {
  if (options === undefined) options = {};
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('options', options, 'an object');
  const durability = options.durability ?? 'fsync';
  if (durability !== 'fsync' && durability !== 'os') throw new InvalidArgumentError('durability', durability, '"fsync" or "os"');
  const compactAfterBytes = options.compactAfterBytes ?? DEFAULT_COMPACT_AFTER_BYTES;
  if (typeof compactAfterBytes !== 'number' || !(compactAfterBytes > 0)) {
    throw new InvalidArgumentError('compactAfterBytes', compactAfterBytes, 'a number of bytes greater than 0, or Infinity');
  }
  for (const name of ['onWarning', 'onCompactionStep'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') throw new InvalidArgumentError(name, options[name], 'a function');
  }
  return {
    durability,
    compactAfterBytes,
    onWarning: options.onWarning ?? ((message) => process.emitWarning(message, { code: 'HEADWAY_FILE_STORE' })),
    ...(options.onCompactionStep && { onCompactionStep: options.onCompactionStep }),
  };
}
