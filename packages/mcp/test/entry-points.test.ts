// The names @headway/mcp exports from each entry point, pinned: its public surface changes only on
// purpose. And each SDK stays optional: the v1 entry never loads the v2 SDK, nor the v2 entry the v1 SDK.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as v1 from '../src/index.js';
import * as v2 from '../src/v2.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Every bare module specifier the built module at `entry` reaches through its relative imports (value imports only). */
function packagesReached(entry: string): Set<string> {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(/^(?:import|export)\s+(?!type\b)[^'"]*?from\s+'([^']+)'|^import\s+'([^']+)'/gm)) {
      const spec = match[1] ?? match[2]!;
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec));
      else packages.add(spec);
    }
  };
  visit(join(root, entry));
  return packages;
}

describe('@headway/mcp entry points', () => {
  it("'.' (SDK v1) exports exactly these names", () => {
    expect(Object.keys(v1).sort()).toEqual([
      'HeadwayMcp',
      'HeadwayTaskStore',
      'MonotonicProgress',
      'TOOL_MODES',
      'attachHeadway',
      'defaultPrincipal',
      'structuredOutput',
      'taskUri',
      'toMcpTask',
      'toSummary',
    ]);
  });

  it("'./v2' (SDK v2, both protocol generations) exports exactly these names", () => {
    expect(Object.keys(v2).sort()).toEqual(['HeadwayMcpV2', 'attachHeadway', 'createHttpHandler', 'createHttpRawDispatch', 'toNodeListener']);
  });

  it('maps both in package.json, with both SDKs optional peers', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, Record<string, unknown>>;
    expect(Object.keys(pkg.exports!)).toEqual(['.', './v2', './package.json']);
    expect(pkg.peerDependenciesMeta).toMatchObject({ '@modelcontextprotocol/sdk': { optional: true }, '@modelcontextprotocol/server': { optional: true } });
  });

  it('the built v2 entry never loads SDK v1, and the v1 entry never loads SDK v2', () => {
    const fromV2 = [...packagesReached('dist/v2.js')];
    const fromV1 = [...packagesReached('dist/index.js')];
    expect(fromV2.filter((p) => p.startsWith('@modelcontextprotocol/sdk') || p === 'zod')).toEqual([]);
    expect(fromV2).toContain('@modelcontextprotocol/server');
    expect(fromV1.filter((p) => p.startsWith('@modelcontextprotocol/server'))).toEqual([]);
    expect(fromV1.some((p) => p.startsWith('@modelcontextprotocol/sdk'))).toBe(true);
  });
});
