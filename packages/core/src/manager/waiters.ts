import { TaskNotFoundError } from '../errors.js';
import { ANY_OWNER } from '../store/task-store.js';
import type { OwnerScope, TaskStore } from '../store/task-store.js';
import { isTerminal } from '../task-record.js';
import type { TaskRecord } from '../task-record.js';

// A waiter on a task run elsewhere re-reads the store this often (relayed events may wake it sooner).
const REMOTE_WAIT_POLL_MS = 250;

type Waiter = (record: TaskRecord | undefined) => void;

/** Callers of `wait`: woken when their task finishes here, is relayed as finished, or by polling. */
export class Waiters {
  private readonly byTask = new Map<string, Set<Waiter>>();

  constructor(
    private readonly store: TaskStore,
    /** Whether the task's end will be announced in this process (it runs here). */
    private readonly seenHere: (taskId: string) => boolean,
  ) {}

  /**
   * The record once the task is terminal, or its current state once `timeoutMs` passed or `signal`
   * aborted. Rejects with `TaskNotFoundError` for unknown ids (and other owners' tasks).
   */
  wait(id: string, owner: OwnerScope, options: { timeoutMs?: number; signal?: AbortSignal }): Promise<TaskRecord> {
    return new Promise<TaskRecord>((resolve, reject) => {
      let latest: TaskRecord | undefined;
      let poll: ReturnType<typeof setInterval> | undefined;
      let timer: ReturnType<typeof setTimeout> | undefined;
      let done = false;
      const finish = (record: TaskRecord | undefined) => {
        if (done) return;
        done = true;
        set.delete(waiter);
        if (set.size === 0 && this.byTask.get(id) === set) this.byTask.delete(id);
        clearTimeout(timer);
        clearInterval(poll);
        options.signal?.removeEventListener('abort', onAbort);
        if (record ?? latest) resolve((record ?? latest)!);
        else reject(new TaskNotFoundError(id));
      };
      const read = async () => {
        const record = await Promise.resolve(this.store.get(id, owner)).catch(() => undefined);
        if (record) latest = record;
        return record;
      };
      const current = () => void read().then(finish);
      // Registered before the first read: an end announced after it is heard, one before it is read.
      const waiter: Waiter = (record) => finish(record && (owner === ANY_OWNER || record.owner === owner) ? record : undefined);
      const set = this.byTask.get(id) ?? new Set<Waiter>();
      this.byTask.set(id, set);
      set.add(waiter);
      const onAbort = () => current();
      void read().then((record) => {
        if (done) return;
        if (!record) return finish(undefined);
        if (isTerminal(record.status) || options.timeoutMs === 0 || options.signal?.aborted) return finish(record);
        // Ref'd: whoever waits for a task keeps the process alive until the wait ends.
        if (options.timeoutMs !== undefined) timer = setTimeout(current, options.timeoutMs);
        options.signal?.addEventListener('abort', onAbort, { once: true });
        if (!this.seenHere(id)) {
          // Run elsewhere (or already finished here): poll the store as well.
          poll = setInterval(() => void read().then((r) => (!r || isTerminal(r.status) ? finish(r) : undefined)), REMOTE_WAIT_POLL_MS);
          poll.unref?.();
        }
      });
    });
  }

  /** The task reached a terminal status: its waiters get copies of the record. */
  finished(record: TaskRecord): void {
    const waiting = this.byTask.get(record.id);
    if (!waiting) return;
    this.byTask.delete(record.id);
    for (const waiter of waiting) waiter({ ...record });
  }

  /** Answers every waiter with the task's state as of now (shutdown). */
  async release(): Promise<void> {
    for (const [id, waiting] of [...this.byTask]) {
      const record = await Promise.resolve(this.store.get(id, ANY_OWNER)).catch(() => undefined);
      this.byTask.delete(id);
      for (const waiter of waiting) waiter(record && { ...record });
    }
  }
}
