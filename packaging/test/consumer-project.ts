// A project outside the workspace, as a user would make one: the packed tarballs and their peers
// installed with npm from the registry, TypeScript sources compiled with the user's own tsc.
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { packPackage, publishablePackages, repoRoot, tarballManifest, tempDir } from '../../scripts/workspace-packages.mjs';

const run = promisify(execFile);
export const FIXTURES = join(import.meta.dirname, '..', 'fixtures');

/** The OpenTelemetry SDK line for this Node: sdk-node 0.30x needs Node >= 22.15 and api 1.10. */
export function otelLine(version = process.versions.node): 'sdk-node-0.223' | 'sdk-node-0.30x' {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > 22 || (major === 22 && minor >= 15) ? 'sdk-node-0.30x' : 'sdk-node-0.223';
}

const OTEL_DEPENDENCIES = {
  'sdk-node-0.223': { '@opentelemetry/api': '~1.9.0', '@opentelemetry/sdk-node': '~0.223.0' },
  'sdk-node-0.30x': { '@opentelemetry/api': '~1.10.0', '@opentelemetry/sdk-node': '~0.301.0', '@opentelemetry/sdk-trace': '~3.1.0' },
} as const;

/** The first lines of otel-sdk.ts for each line: `processorFor(exporter)`, a SimpleSpanProcessor (its constructor changed). */
export const OTEL_IMPORTS = {
  'sdk-node-0.223': [
    "import { tracing } from '@opentelemetry/sdk-node';",
    'const processorFor = (exporter: tracing.SpanExporter) => new tracing.SimpleSpanProcessor(exporter);',
  ].join('\n'),
  'sdk-node-0.30x': [
    "import { SimpleSpanProcessor } from '@opentelemetry/sdk-trace';",
    "import type { SpanExporter } from '@opentelemetry/sdk-trace';",
    'const processorFor = (exporter: SpanExporter) => new SimpleSpanProcessor({ exporter });',
  ].join('\n'),
} as const;

/** npm settings from pnpm's environment worth keeping (where the registry is and how to reach it). */
const KEPT_NPM_CONFIG = new Set(['registry', 'cafile', 'ca', 'proxy', 'https_proxy', 'noproxy', 'strict_ssl', 'cache']);

/**
 * The environment of a user's shell: this process's, without what pnpm and npm set for the scripts
 * they run (npm_config_globalconfig pointing at pnpm's rc, npm_package_*, …), which would change how
 * npm behaves. Certificates and proxies (NODE_EXTRA_CA_CERTS, HTTPS_PROXY, …) stay.
 */
export function userEnvironment(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const kept = Object.entries(env).filter(([key]) => {
    const npmConfig = /^(npm|pnpm)_config_(.+)$/i.exec(key);
    if (npmConfig) return npmConfig[1]!.toLowerCase() === 'npm' && KEPT_NPM_CONFIG.has(npmConfig[2]!.toLowerCase());
    return !/^(npm_package_|npm_lifecycle_|npm_execpath$|npm_node_execpath$|npm_command$|PNPM_)/i.test(key);
  });
  return { ...Object.fromEntries(kept), npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
}

/** How long one command in the project may take before it is called stuck (a slow registry, TLS). */
const COMMAND_TIMEOUT_MS = 6 * 60_000;

export interface ConsumerProject {
  dir: string;
  /** name → tarball path */
  tarballs: Map<string, string>;
  /** Runs `node <file>` in the project (with extra environment variables) and returns stdout (throws with stderr on failure). */
  node(file: string, args?: string[], env?: Record<string, string>): Promise<string>;
  exec(command: string, args: string[], env?: Record<string, string>): Promise<{ stdout: string; stderr: string }>;
  remove(): void;
}

/** A TypeScript snippet of the root README that names its file: `// examples/src/tutorial/core.ts` first. */
export interface ReadmeSnippet {
  /** The file name, e.g. `core.ts`. */
  file: string;
  code: string;
  /** What its last `console.log(…); // <comment>` says it prints, if it says so. */
  printsLast?: string;
}

/** The root README's tutorial, as written: every ```ts block whose first line is `// examples/src/tutorial/<file>.ts`. */
export function readmeTutorial(): ReadmeSnippet[] {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const snippets: ReadmeSnippet[] = [];
  for (const [, file, code = ''] of readme.matchAll(/```ts\n\/\/ examples\/src\/tutorial\/([\w-]+\.ts)\n([\s\S]*?)```/g)) {
    const printsLast = [...code.matchAll(/^console\.log\(.*\); \/\/ (.+)$/gm)].at(-1)?.[1]?.trim();
    snippets.push({ file: file!, code, ...(printsLast ? { printsLast } : {}) });
  }
  if (!snippets.some((s) => s.file === 'core.ts')) {
    throw new Error('README.md has no ```ts block starting with "// examples/src/tutorial/core.ts" (the tutorial\'s first step)');
  }
  return snippets;
}

/** Peers the packages declare, optional ones too (an entry point may need one), with their ranges. */
function peersOf(tarballFiles: string[]): Record<string, string> {
  const peers: Record<string, string> = {};
  for (const file of tarballFiles) {
    const declared = (tarballManifest(file).peerDependencies ?? {}) as Record<string, string>;
    for (const [name, range] of Object.entries(declared)) if (!NOT_INSTALLED_PEERS.has(name) && !name.startsWith('@headway/')) peers[name] = range;
  }
  return peers;
}
/** vitest is a peer of @headway/core/testing only, which the project leaves out. */
const NOT_INSTALLED_PEERS = new Set(['vitest']);

/** What a project other than the default one installs, and how strictly it compiles. */
export interface ConsumerSetup {
  /** The @headway packages it installs (name → tarball, e.g. some of another project's `tarballs`). */
  tarballs: Map<string, string>;
  /** What it installs from the registry besides them, TypeScript and @types/node. */
  dependencies: Record<string, string>;
  /** tsconfig's `skipLibCheck`. */
  skipLibCheck: boolean;
}

/** The range of a peer that a tarball declares. */
export function peerRange(tarball: string, peer: string): string {
  const range = (tarballManifest(tarball).peerDependencies as Record<string, string> | undefined)?.[peer];
  if (!range) throw new Error(`${tarball} declares no peer ${peer}`);
  return range;
}

/**
 * A project of `sources`. By default: every package packed now, with every peer they declare, SDK v1,
 * zod 3 and this Node's OpenTelemetry SDK line, compiled with `skipLibCheck`; `setup` says otherwise.
 */
export async function createConsumerProject(sources: Record<string, string>, setup?: ConsumerSetup): Promise<ConsumerProject> {
  const tmp = tempDir('headway-consumer-');
  if (!relative(repoRoot, tmp.dir).startsWith('..')) throw new Error(`${tmp.dir} is inside the workspace ${repoRoot}`);
  const tarballDir = join(tmp.dir, 'tarballs');
  const dir = join(tmp.dir, 'project');
  mkdirSync(join(dir, 'src', 'tutorial'), { recursive: true });
  const tarballs = setup?.tarballs ?? new Map<string, string>();
  if (!setup) for (const pkg of publishablePackages()) tarballs.set(pkg.name, packPackage(pkg.dir, tarballDir));

  const manifest = {
    name: 'headway-consumer',
    private: true,
    type: 'module',
    dependencies: {
      ...(setup?.dependencies ?? peersOf([...tarballs.values()])),
      ...Object.fromEntries([...tarballs].map(([name, file]) => [name, `file:${file}`])),
      ...(!setup && { '@modelcontextprotocol/sdk': '^1.32.0', zod: '^3.25.0', ...OTEL_DEPENDENCIES[otelLine()] }),
    },
    devDependencies: { typescript: '~5.9.3', '@types/node': '^20.19.0' },
  };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        lib: ['ES2023', 'ESNext.Disposable'],
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        skipLibCheck: setup?.skipLibCheck ?? true,
        types: ['node'],
        rootDir: 'src',
        outDir: 'out',
      },
      include: ['src'],
    }),
  );
  for (const [file, text] of Object.entries(sources)) writeFileSync(join(dir, 'src', file), text);
  cpSync(join(FIXTURES, 'entry-points.mjs'), join(dir, 'entry-points.mjs'));

  const exec = async (command: string, args: string[], env: Record<string, string> = {}) => {
    try {
      return await run(command, args, { cwd: dir, maxBuffer: 64 * 1024 * 1024, env: { ...userEnvironment(), ...env }, timeout: COMMAND_TIMEOUT_MS });
    } catch (error) {
      const e = error as { stdout?: string; stderr?: string; message: string; killed?: boolean };
      const why = e.killed ? `did not finish in ${COMMAND_TIMEOUT_MS / 60_000} minutes (registry unreachable? certificates?)` : 'failed';
      throw new Error(`${command} ${args.join(' ')} ${why} in ${dir}:\n${e.stderr || e.stdout || e.message}`);
    }
  };
  await exec('npm', ['install', '--loglevel=error']);
  await exec(join(dir, 'node_modules', '.bin', 'tsc'), ['-p', '.']);
  return {
    dir,
    tarballs,
    exec,
    node: async (file, args = [], env = {}) => (await exec(process.execPath, [file, ...args], env)).stdout,
    remove: tmp.remove,
  };
}
