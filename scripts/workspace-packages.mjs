// The publishable packages of this repository and how to pack them the way `pnpm publish` does
// (workspace:^ ranges rewritten to real versions). Shared by check-package.mjs and the packaging test.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Every non-private package under packages/: { name, version, dir, manifest }. */
export function publishablePackages() {
  const parent = join(repoRoot, 'packages');
  return readdirSync(parent, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(parent, d.name, 'package.json')))
    .map((d) => {
      const dir = join(parent, d.name);
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      return { name: manifest.name, version: manifest.version, dir, manifest };
    })
    .filter((p) => !p.manifest.private)
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The pnpm this repository pins (packageManager), as [command, ...leading args]. */
export function pnpmCommand() {
  const pinned = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).packageManager;
  const version = /^pnpm@(.+)$/.exec(pinned ?? '')?.[1];
  const onPath = spawnSync('pnpm', ['--version'], { encoding: 'utf8', shell: false });
  if (onPath.status === 0 && (!version || onPath.stdout.trim() === version)) return ['pnpm'];
  return ['npx', '-y', version ? `pnpm@${version}` : 'pnpm'];
}

/** Packs one package directory into destDir with pnpm and returns the tarball's path. */
export function packPackage(dir, destDir) {
  const [cmd, ...lead] = pnpmCommand();
  const before = new Set(existsSync(destDir) ? readdirSync(destDir) : []);
  execFileSync(cmd, [...lead, 'pack', '--pack-destination', destDir], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const made = readdirSync(destDir).filter((f) => f.endsWith('.tgz') && !before.has(f));
  if (made.length !== 1) throw new Error(`pnpm pack in ${dir} made ${made.length} tarballs in ${destDir}, expected 1`);
  return join(destDir, made[0]);
}

/** The file paths inside a tarball, without npm's leading "package/". */
export function tarballFiles(tarball) {
  return execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line && !line.endsWith('/'))
    .map((line) => line.replace(/^package\//, ''));
}

/** The package.json inside a tarball (as pnpm pack rewrote it). */
export function tarballManifest(tarball) {
  return JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }));
}

/** A fresh temporary directory and a function that removes it. */
export function tempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
