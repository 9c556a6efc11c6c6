import { execFile } from 'node:child_process';

/**
 * MCP Inspector's CLI needs Node >= 22.19; both come from the npm registry through npx: the outer
 * npx puts Node 22 first on the PATH, so the inner npx (npm) runs on it too (no EBADENGINE warnings).
 */
export const INSPECTOR_PACKAGE = '@modelcontextprotocol/inspector@2.12.0';
const NODE_PACKAGE = 'node@22';

/**
 * Runs `mcp-inspector --cli <url> --format json …` on Node 22 and parses its one JSON object.
 * `--protocol-era modern` makes it speak 2026-07-28 (ad-hoc runs default to legacy).
 */
export function runInspectorCli(url: URL, args: readonly string[], timeoutMs = 120_000): Promise<{ result?: unknown; error?: unknown }> {
  const argv = ['-y', '-p', NODE_PACKAGE, 'npx', '-y', '-p', INSPECTOR_PACKAGE, 'mcp-inspector', '--cli', url.href, '--format', 'json', ...args];
  return new Promise((resolve, reject) => {
    execFile('npx', argv, { timeout: timeoutMs, maxBuffer: 8 * 1024 * 1024 }, (error, stdout, stderr) => {
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      if (line) return resolve(JSON.parse(line) as { result?: unknown; error?: unknown });
      reject(new Error(`inspector gave no JSON (${error?.message ?? 'no error'})\n${stderr}`));
    });
  });
}
