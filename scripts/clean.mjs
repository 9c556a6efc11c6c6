// Removes the given directories (relative to the working directory) before a build, so a package's
// dist holds only what this build wrote: no file of a source that was deleted or renamed.
import { rmSync } from 'node:fs';

const dirs = process.argv.slice(2);
if (dirs.length === 0) {
  console.error('usage: node scripts/clean.mjs <dir>...');
  process.exit(2);
}
for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
