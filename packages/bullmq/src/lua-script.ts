import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * One Lua script, run by SHA (EVALSHA) and sent whole (EVAL) only when Redis does not know it:
 * after a restart or a SCRIPT FLUSH. Leaves the client untouched (no `defineCommand`), so a client
 * the caller owns and shares gets no extra commands.
 */
export class LuaScript {
  private readonly sha: string;
  /** `numberOfKeys` -1: as many as given. */
  constructor(
    readonly name: string,
    private readonly source: string,
    private readonly numberOfKeys: number,
  ) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(client: Redis, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    if (this.numberOfKeys >= 0 && keys.length !== this.numberOfKeys) throw new Error(`${this.name} takes ${this.numberOfKeys} keys, got ${keys.length}`);
    try {
      return await client.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return client.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}
