// One line per benchmark: add yours here (name = bench/results/<name>.json).
export interface Benchmark {
  name: string;
  run(): Promise<void>;
}

export const BENCHMARKS: Benchmark[] = [
  { name: 'progress-hot-path', run: async () => (await import('./progress-hot-path.js')).main() },
  { name: 'task-throughput', run: async () => (await import('./task-throughput.js')).main() },
  { name: 'task-memory', run: async () => (await import('./task-memory.js')).main() },
  { name: 'mcp-overhead', run: async () => (await import('./mcp-overhead.js')).main() },
  { name: 'mcp-overhead-v2', run: async () => (await import('./mcp-overhead-v2.js')).main() },
  { name: 'file-store-throughput', run: async () => (await import('./file-store-throughput.js')).main() },
  { name: 'file-store-commit', run: async () => (await import('./file-store-commit.js')).main() },
  { name: 'scale', run: async () => (await import('./scale.js')).main() },
  { name: 'sinks-overhead', run: async () => (await import('./sinks-overhead.js')).main() },
  { name: 'bullmq-throughput', run: async () => (await import('./bullmq-throughput.js')).main() },
];
