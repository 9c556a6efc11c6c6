/**
 * Group commit for Redis: the calls made in one turn of the event loop (every microtask up to the
 * next `process.nextTick`) go out as one call carrying them all, whose reply holds a result per
 * call, so what costs per call to Redis (building the command, parsing the reply, Redis' own
 * dispatch) is paid once for the batch. A lone call goes out on that same tick: no timer, no
 * added wait. When the batch's call fails (Redis away, a script error) every caller in it gets
 * that failure; a result that is an `Error` (a per-item error reply) fails that caller alone.
 */
export class WriteBatch<I, R> {
  private pending: Array<{ item: I; resolve: (result: R) => void; reject: (error: unknown) => void }> = [];

  /**
   * `send` makes one call for `items` and resolves with their results in the same order.
   * `maxItems` bounds one call (a larger batch is split), so one script never holds Redis long.
   */
  constructor(
    private readonly send: (items: readonly I[]) => Promise<readonly R[]>,
    private readonly maxItems = 256,
  ) {}

  add(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      if (this.pending.length === 0) process.nextTick(() => this.flush());
      this.pending.push({ item, resolve, reject });
    });
  }

  private flush(): void {
    const all = this.pending;
    this.pending = [];
    for (let from = 0; from < all.length; from += this.maxItems) {
      const calls = all.slice(from, from + this.maxItems);
      this.send(calls.map((c) => c.item)).then(
        (results) => {
          calls.forEach((call, i) => {
            const result = results[i];
            if (result instanceof Error) call.reject(result);
            else if (i >= results.length) call.reject(new Error(`a batch of ${calls.length} got ${results.length} results`));
            else call.resolve(result as R);
          });
        },
        (error: unknown) => {
          for (const call of calls) call.reject(error);
        },
      );
    }
  }
}
