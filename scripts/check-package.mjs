// Checks the package in the working directory as a user would receive it: packs it with pnpm (as
// `pnpm publish` would), then checks the tarball: `exports` with types for every entry point, no
// workspace: ranges left, the license text shipped, only bin/, dist/, src/ and docs shipped, no tests, no stale dist file (one whose
// source is gone), then `publint --strict` and `attw --profile esm-only` on the tarball itself.
// Run by `turbo run check:package` (root script `check:packages`) after the package's build.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packPackage, repoRoot, tarballFiles, tarballManifest, tempDir } from './workspace-packages.mjs';

const DEPENDENCY_FIELDS = ['dependencies', 'peerDependencies', 'optionalDependencies'];
const SHIPPED_TOP_LEVEL = new Set(['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', 'LICENSE.md']);
const problems = [];
const manifest = JSON.parse(readFileSync('package.json', 'utf8'));

// 1. exports: each entry point is { types, import } with types first (or "./package.json").
const entryFiles = [];
for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
  if (subpath === './package.json') continue;
  if (typeof target !== 'object' || target === null) {
    problems.push(`exports["${subpath}"] must be { "types": "./dist/….d.ts", "import": "./dist/….js" }`);
    continue;
  }
  const keys = Object.keys(target);
  if (keys[0] !== 'types' || !String(target.types).endsWith('.d.ts')) problems.push(`exports["${subpath}"] must name its "types" (a .d.ts) first`);
  if (typeof target.import !== 'string') problems.push(`exports["${subpath}"] has no "import" target`);
  entryFiles.push(target.types, target.import);
}
if (!manifest.exports) problems.push('package.json has no "exports"');

// 2. The tarball.
const tmp = tempDir('headway-check-');
try {
  const tarball = packPackage(process.cwd(), tmp.dir);
  const files = tarballFiles(tarball);
  const fileSet = new Set(files);
  const packed = tarballManifest(tarball);

  for (const field of DEPENDENCY_FIELDS) {
    for (const [dep, range] of Object.entries(packed[field] ?? {})) {
      if (String(range).startsWith('workspace:')) problems.push(`packed ${field}.${dep} is still "${range}"`);
    }
  }
  for (const file of entryFiles) {
    if (file && !fileSet.has(file.replace(/^\.\//, ''))) problems.push(`entry point file ${file} is not in the tarball (was the package built?)`);
  }
  if (packed.license && !fileSet.has('LICENSE') && !fileSet.has('LICENSE.md')) problems.push(`package.json says "license": "${packed.license}" but the tarball has no LICENSE file`);
  for (const file of files) {
    const [top] = file.split('/');
    if (!file.includes('/') ? !SHIPPED_TOP_LEVEL.has(file) : !['bin', 'dist', 'src'].includes(top)) {
      problems.push(`unexpected file in the tarball: ${file} (only bin/, dist/, src/ and ${[...SHIPPED_TOP_LEVEL].join(', ')} ship)`);
    }
    if (/(^|\/)(test|tests|__tests__)\/|\.(test|spec)\.[cm]?[jt]s/.test(file)) problems.push(`test file in the tarball: ${file}`);
    if (top === 'dist') {
      const source = file.replace(/^dist\//, 'src/').replace(/(\.d\.ts|\.js)(\.map)?$/, '.ts');
      if (!fileSet.has(source)) problems.push(`stale file in the tarball: ${file} (no ${source}; rebuild: the build cleans dist first)`);
    }
  }

  // 3. publint and attw on the packed tarball.
  const bin = (name) => join(repoRoot, 'node_modules', '.bin', name);
  const publint = spawnSync(bin('publint'), ['run', tarball, '--strict'], { encoding: 'utf8' });
  if (publint.status !== 0) problems.push(`publint:\n${publint.stdout}${publint.stderr}`);
  const attw = spawnSync(bin('attw'), [tarball, '--profile', 'esm-only', '--format', 'ascii', '--no-color'], { encoding: 'utf8' });
  if (attw.status !== 0) problems.push(`attw --profile esm-only:\n${attw.stdout}${attw.stderr}`);

  if (problems.length > 0) {
    console.error(`${manifest.name}: ${problems.length} packaging problem(s):\n- ${problems.slice(0, 25).join('\n- ')}${problems.length > 25 ? `\n- … and ${problems.length - 25} more` : ""}`);
    process.exitCode = 1;
  } else {
    const entries = Object.keys(manifest.exports).filter((s) => s !== './package.json');
    console.log(`${manifest.name}: tarball of ${files.length} files, entry points ${entries.join(' ')}: exports, publint and attw (esm-only) all good`);
  }
} finally {
  tmp.remove();
}
