import { HeadwayError } from '@headway/core';

/** Damaged data where a crash cannot explain it. Names the file and the byte offset. */
export class StoreCorruptionError extends HeadwayError {
  readonly file: string;
  readonly offset: number;
  constructor(file: string, offset: number, detail: string) {
    super('store_corrupt', `Corrupt data in ${file} at byte offset ${offset}: ${detail}`);
    this.file = file;
    this.offset = offset;
  }
}

/** Another live process (or this one) already holds the directory. */
export class StoreLockedError extends HeadwayError {
  readonly directory: string;
  readonly pid: number;
  readonly hostname: string;
  constructor(directory: string, holder: { pid: number; hostname: string; acquiredAt?: number }, self: boolean) {
    const who = self ? `this process (pid ${holder.pid})` : `pid ${holder.pid} on ${holder.hostname}`;
    const since = holder.acquiredAt ? ` since ${new Date(holder.acquiredAt).toISOString()}` : '';
    super('store_locked', `Directory ${directory} is locked by ${who}${since}; only one writer may open it`);
    this.directory = directory;
    this.pid = holder.pid;
    this.hostname = holder.hostname;
  }
}

/** The store cannot be used: not opened, closed, or a write failed and its state on disk is uncertain. */
export class StoreUnavailableError extends HeadwayError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('store_unavailable', message, options);
  }
}
