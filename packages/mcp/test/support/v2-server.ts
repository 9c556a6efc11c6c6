import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { startServerProcess } from './server-process.js';
import type { ServerProcess } from './server-process.js';

/** The v2 binding's test server (both generations, @headway/file-store), in its own process. */
export const V2_FIXTURE = fileURLToPath(new URL('../fixtures/v2-http-server.mjs', import.meta.url));
// Calls meant to answer inline take 20–100 ms and those meant to outlive the budget 800 ms or more: 600 ms
// leaves a loaded machine half a second of stalls before a short call would become a task.
const ENV = { INLINE_BUDGET_MS: '600' };

export interface V2ServerHandle {
  readonly server: ServerProcess;
  readonly url: URL;
  /** SIGKILLs the server (a crash) and starts it again on the same port and data directory. */
  crashAndRestart(): Promise<void>;
}

/** One fixture server for the test file: started before its tests, stopped (and its data removed) after. */
export function v2ServerPerFile(): V2ServerHandle {
  let server: ServerProcess | undefined;
  let dataDir: string | undefined;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'headway-v2-'));
    server = await startServerProcess({ script: V2_FIXTURE, args: [dataDir], env: ENV });
  });
  afterAll(async () => {
    await server?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });
  const current = (): ServerProcess => {
    if (!server) throw new Error('the v2 test server is not running (use it inside a test)');
    return server;
  };
  return {
    get server() {
      return current();
    },
    get url() {
      return current().url;
    },
    async crashAndRestart() {
      const port = Number(current().url.port);
      await current().stop('SIGKILL');
      server = await startServerProcess({ script: V2_FIXTURE, args: [dataDir!], port, env: ENV });
    },
  };
}
