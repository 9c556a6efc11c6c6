import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/**
 * Serves `handler` on 127.0.0.1:`port` and prints the example's addresses (tests read this line);
 * a port that cannot be bound stops the process with one line naming it, exit code 1.
 */
export function listenOrExit(app: string, port: number, dataDir: string, handler: (req: IncomingMessage, res: ServerResponse) => unknown): Server {
  const http = createServer(handler);
  http.on('error', (error: NodeJS.ErrnoException) => {
    process.stderr.write(`${app}: cannot listen on 127.0.0.1:${port} (${error.code ?? error.message}); set PORT to a free port\n`);
    process.exit(1);
  });
  http.listen(port, '127.0.0.1', () => {
    const base = `http://127.0.0.1:${(http.address() as { port: number }).port}`;
    console.log(`MCP on ${base}/mcp · tasks on ${base}/tasks/ · metrics on ${base}/metrics · data in ${dataDir}`);
  });
  return http;
}
