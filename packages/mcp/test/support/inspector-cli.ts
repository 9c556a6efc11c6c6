// Also the examples' Inspector test's helper (examples/test/inspector-cli.test.ts imports this file;
// examples/turbo.json names it among that package's test inputs).
import { execFile } from 'node:child_process';

/**
 * MCP Inspector's CLI needs Node >= 22.19; both come from the npm registry through npx, as the
 * schema-registry example's README says: the outer npx puts Node 22 first on the PATH, so the inner
 * npx (npm) runs on it too and installs the Inspector without EBADENGINE warnings.
 */
export const INSPECTOR_PACKAGE = '@modelcontextprotocol/inspector@2.12.0';
const NODE_PACKAGE = 'node@22';

/** What the Inspector printed: its one JSON object (`result` or `error`), and npm's and its own stderr. */
export interface InspectorOutput {
  result?: unknown;
  error?: unknown;
  stderr: string;
}

/**
 * Runs `mcp-inspector --cli <url> --format json …` on Node 22 and parses its one JSON object.
 * `--protocol-era modern` makes it speak 2026-07-28 (ad-hoc runs default to legacy).
 */
export function runInspectorCli(url: URL | string, args: readonly string[], timeoutMs = 120_000): Promise<InspectorOutput> {
  const argv = ['-y', '-p', NODE_PACKAGE, 'npx', '-y', '-p', INSPECTOR_PACKAGE, 'mcp-inspector', '--cli', String(url), '--format', 'json', ...args];
  return new Promise((resolve, reject) => {
    execFile('npx', argv, { timeout: timeoutMs, maxBuffer: 8 * 1024 * 1024 }, (error, stdout, stderr) => {
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      if (line) return resolve({ ...(JSON.parse(line) as { result?: unknown; error?: unknown }), stderr });
      reject(new Error(`inspector gave no JSON (${error?.message ?? 'no error'})\n${stderr}`));
    });
  });
}
