import { openSync, readlinkSync, readSync } from 'node:fs';

/** The BroadcastChannel on which a sinks-overhead worker's setup tells the bench about itself. */
export const EXPORTED_CHANNEL = 'headway-bench-exported-spans';

/** What a worker's setup module broadcasts: spans its exporter received, or its thread's id at start. */
export type WorkerNews = { exported: number } | { thread: number };

/** The id (Linux tid) of the calling thread; undefined where /proc is not there. */
export function threadId(): number | undefined {
  try {
    return Number(readlinkSync('/proc/thread-self').split('/').pop());
  } catch {
    return undefined;
  }
}

/**
 * A thread's time on a CPU and time waiting for one (the run queue), in ms, from Linux's schedstat:
 * what the thread did, whatever else the machine runs, and how much the others held it up. Undefined
 * where /proc is not there.
 */
export function threadClock(tid: number | 'self' = 'self'): (() => { cpu: number; waited: number }) | undefined {
  const path = tid === 'self' ? '/proc/thread-self/schedstat' : `/proc/self/task/${tid}/schedstat`;
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  const buffer = Buffer.alloc(96);
  return () => {
    const text = buffer.toString('latin1', 0, readSync(fd, buffer, 0, buffer.length, 0));
    const [cpu, waited] = text.split(' ');
    return { cpu: Number(cpu) / 1e6, waited: Number(waited) / 1e6 };
  };
}
