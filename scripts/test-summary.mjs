// Adds up the vitest JSON reports of every package (written when CI=true) and prints one
// closing line, "N passed, N failed, N skipped", so CI output states how many tests ran.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const roots = ['packages', '.'].flatMap((dir) => (dir === '.' ? ['examples', 'bench', 'packaging'] : readdirSync(dir).map((d) => join(dir, d))));
let passed = 0;
let failed = 0;
let skipped = 0;
let reports = 0;
for (const root of roots) {
  const file = join(root, 'test-results', 'vitest.json');
  if (!existsSync(file)) continue;
  const report = JSON.parse(readFileSync(file, 'utf8'));
  reports++;
  passed += report.numPassedTests ?? 0;
  failed += report.numFailedTests ?? 0;
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
}
if (reports === 0) {
  console.log('test summary: no vitest JSON reports found (they are written when CI=true)');
} else {
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
  if (failed > 0 || passed === 0) process.exit(1);
}
