// Runs every benchmark (or those named on the command line) one after another.
// Each writes bench/results/<name>.json; see README "Benchmarks".
import { BENCHMARKS } from './registry.js';

// Names first; options (e.g. `--sizes 10000,100000` for scale) follow and are read by the benchmark.
const args = process.argv.slice(2);
const firstOption = args.findIndex((a) => a.startsWith('--'));
const wanted = firstOption < 0 ? args : args.slice(0, firstOption);
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
