// The names @headway/mcp exports from each entry point, pinned: its public surface changes only on
// purpose. And each SDK stays optional: the v1 entry never loads the v2 SDK, nor the v2 entry the v1 SDK,
// and the v2 entry's type declarations never name SDK v1 (a strict tsc without skipLibCheck needs only SDK v2).
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as v1 from '../src/index.js';
import * as v2 from '../src/v2.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Value imports of a built module (`import type` is erased, so left out). */
const VALUE_IMPORTS = /^(?:import|export)\s+(?!type\b)[^'"]*?from\s+'([^']+)'|^import\s+'([^']+)'/gm;
/** Every import of a declaration file: statements (type-only ones too) and `import("…")` types. */
const DECLARATION_IMPORTS = /^(?:import|export)\b[^;'"]*?\bfrom\s+['"]([^'"]+)['"]|^import\s+['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)|<reference\s+types=['"]([^'"]+)['"]/gm;

/**
 * Every bare module specifier the built file at `entry` reaches through its relative imports: of a
 * module (`.js`), what it loads; of a declaration file (`.d.ts`), what a type checker reads.
 */
function packagesReached(entry: string): Set<string> {
  const declarations = entry.endsWith('.d.ts');
  const imports = declarations ? DECLARATION_IMPORTS : VALUE_IMPORTS;
  const seen = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(imports)) {
      const spec = match.slice(1).find((group) => group !== undefined)!;
      if (!spec.startsWith('.')) packages.add(spec);
      else visit(resolve(dirname(file), declarations ? spec.replace(/\.js$/, '.d.ts') : spec));
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

  it("the built v2 entry's declarations never name SDK v1, and the v1 entry's keep the SDK's own types", () => {
    const fromV2 = [...packagesReached('dist/v2.d.ts')];
    const fromV1 = [...packagesReached('dist/index.d.ts')];
    expect(fromV2.filter((p) => p.startsWith('@modelcontextprotocol/sdk'))).toEqual([]);
    expect(fromV2).toContain('@modelcontextprotocol/server');
    expect(fromV1.filter((p) => p.startsWith('@modelcontextprotocol/server'))).toEqual([]);
    expect(fromV1.some((p) => p.startsWith('@modelcontextprotocol/sdk'))).toBe(true);
  });
});
