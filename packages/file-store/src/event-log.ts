import { mkdir, open, readdir, readFile, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InvalidArgumentError } from '@headway/core';
import type { Reporter, TaskEvent } from '@headway/core';
import { StoreUnavailableError } from './errors.js';
import { EVENT_LOCK_FILE, eventFileName, eventFiles } from './event-files.js';
import { fsyncDir } from './fs-util.js';
import { DirectoryLock } from './lock.js';
import { LogWriter } from './log-writer.js';
import type { Durability } from './log-writer.js';

export interface FileEventLogOptions {
  /** Start a new file once the current one reaches this size. Default 16 MiB. */
  maxFileBytes?: number;
  /** Keep at most this many files, deleting the oldest. Default: keep all. */
  maxFiles?: number;
  /** `os` (default): written promptly, synced on flush/close. `fsync`: every batch is synced. */
  durability?: Durability;
  /** Recoverable problems (torn last line dropped, a failed write). Default: `process.emitWarning`. */
  onWarning?: (message: string) => void;
}

/**
 * A reporter that appends every task event to `<dir>/events-NNNNNN.jsonl`, one JSON object per
 * line, rotating by size. Open it with `FileEventLog.open(dir)`; read it back with
 * `readEvents` / `readTaskHistory`.
 */
export class FileEventLog implements Reporter {
  readonly name = 'FileEventLog';
  private closed = false;
  private warned = false;
  /** Bytes queued for the current file (written or not). */
  private fileBytes: number;
  private housekeeping: Promise<void> = Promise.resolve();

  private constructor(
    readonly directory: string,
    private readonly writer: LogWriter,
    private fileNumber: number,
    private readonly lock: DirectoryLock,
    private readonly maxFileBytes: number,
    private readonly maxFiles: number,
    private readonly warn: (message: string) => void,
  ) {
    this.fileBytes = writer.bytes;
  }

  static async open(directory: string, options: FileEventLogOptions = {}): Promise<FileEventLog> {
    if (typeof directory !== 'string' || directory.length === 0) throw new InvalidArgumentError('directory', directory, 'a non-empty directory path');
    if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('options', options, 'an object');
    const maxFileBytes = options.maxFileBytes ?? 16 * 1024 * 1024;
    if (typeof maxFileBytes !== 'number' || !(maxFileBytes >= 1024)) throw new InvalidArgumentError('maxFileBytes', maxFileBytes, 'a number of bytes of 1024 or more');
    const maxFiles = options.maxFiles ?? Infinity;
    if (maxFiles !== Infinity && (!Number.isSafeInteger(maxFiles) || maxFiles < 1)) throw new InvalidArgumentError('maxFiles', maxFiles, 'a whole number of 1 or more');
    const durability = options.durability ?? 'os';
    if (durability !== 'fsync' && durability !== 'os') throw new InvalidArgumentError('durability', durability, '"fsync" or "os"');
    if (options.onWarning !== undefined && typeof options.onWarning !== 'function') throw new InvalidArgumentError('onWarning', options.onWarning, 'a function');
    const warn = options.onWarning ?? ((message: string) => process.emitWarning(message, { code: 'HEADWAY_FILE_EVENT_LOG' }));
    const dir = resolve(directory);
    await mkdir(dir, { recursive: true });
    const lock = await DirectoryLock.acquire(dir, EVENT_LOCK_FILE);
    try {
      const files = eventFiles(dir, await readdir(dir));
      const last = files[files.length - 1];
      const n = last?.n ?? 1;
      const path = join(dir, eventFileName(n));
      const handle = await open(path, last ? 'r+' : 'wx+');
      let size = 0;
      if (last) {
        const buf = await readFile(path);
        const end = buf.lastIndexOf(0x0a) + 1;
        if (end < buf.length) {
          warn(`Dropped a torn last line in ${path} at byte offset ${end} (${buf.length - end} bytes)`);
          await handle.truncate(end);
          await handle.sync();
        }
        size = end;
      } else {
        await fsyncDir(dir);
      }
      return new FileEventLog(dir, new LogWriter(handle, size, durability, (lines) => Buffer.from(lines.join(''))), n, lock, maxFileBytes, maxFiles, warn);
    } catch (error) {
      await lock.release();
      throw error;
    }
  }

  onEvent(event: TaskEvent): void {
    if (this.closed) return;
    let line: string;
    try {
      line = `${JSON.stringify(event)}\n`;
    } catch {
      line = `${JSON.stringify({ ...event, data: '[unserialisable]', state: '[unserialisable]', result: '[unserialisable]' })}\n`;
    }
    const bytes = Buffer.byteLength(line);
    if (this.fileBytes > 0 && this.fileBytes + bytes > this.maxFileBytes) this.rotate();
    this.fileBytes += bytes;
    this.writer.append(line).then(
      () => undefined,
      (error: unknown) => {
        if (this.warned) return;
        this.warned = true;
        this.warn(`FileEventLog ${this.directory} stopped writing: ${String(error)}`);
      },
    );
  }

  /** Resolves once every event received so far is written (and synced). */
  async flush(): Promise<void> {
    if (this.writer.failure !== undefined) throw new StoreUnavailableError(`FileEventLog ${this.directory} failed`, { cause: this.writer.failure });
    await this.writer.drain();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.writer.close();
      await this.housekeeping;
    } finally {
      await this.lock.release();
    }
  }

  private rotate(): void {
    const next = ++this.fileNumber;
    this.fileBytes = 0;
    const path = join(this.directory, eventFileName(next));
    const rotated = this.writer.rotate(
      async () => {
        const handle = await open(path, 'wx+');
        await fsyncDir(this.directory);
        return { handle, size: 0 };
      },
      () => undefined,
    );
    this.housekeeping = this.housekeeping
      .then(() => rotated)
      .then(() => this.prune())
      .catch((error: unknown) => this.warn(`FileEventLog ${this.directory} could not rotate: ${String(error)}`));
  }

  private async prune(): Promise<void> {
    if (this.maxFiles === Infinity) return;
    const files = eventFiles(this.directory, await readdir(this.directory));
    for (const file of files.slice(0, Math.max(0, files.length - this.maxFiles))) await unlink(file.path);
  }
}
