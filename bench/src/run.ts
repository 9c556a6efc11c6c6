// Runs every benchmark (or those named on the command line) one after another.
// Each writes bench/results/<name>.json; see README "Benchmarks".
import { BENCHMARKS } from './registry.js';

const wanted = process.argv.slice(2);
const selected = wanted.length > 0 ? BENCHMARKS.filter((b) => wanted.includes(b.name)) : BENCHMARKS;
if (wanted.length > 0 && selected.length !== wanted.length) {
  const known = BENCHMARKS.map((b) => b.name).join(', ');
  console.error(`Unknown benchmark in ${wanted.join(', ')}; known: ${known}`);
  process.exit(2);
}
for (const bench of selected) {
  console.log(`\n=== ${bench.name}`);
  await bench.run();
}
