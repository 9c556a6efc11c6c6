// The packages as a user receives them: every package packed with pnpm, installed with npm into a
// project outside the workspace, the README's core snippet, an MCP tool called by the SDK's Client
// and the OpenTelemetry SDK that fits this Node all compiled with tsc and run. Then a second project
// with SDK v2 alone, whose strict tsc checks every declaration file (no skipLibCheck).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishablePackages } from '../../scripts/workspace-packages.mjs';
import { createConsumerProject, FIXTURES, OTEL_IMPORTS, otelLine, peerRange, readmeTutorial } from './consumer-project.js';
import type { ConsumerProject } from './consumer-project.js';

const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
const tutorial = readmeTutorial();
const step = (file: string) => tutorial.find((s) => s.file === file);
let project: ConsumerProject;

beforeAll(async () => {
  project = await createConsumerProject({
    ...Object.fromEntries(tutorial.map((s) => [`tutorial/${s.file}`, s.code])),
    'mcp-client.ts': fixture('mcp-client.ts'),
    'otel-sdk.ts': `${OTEL_IMPORTS[otelLine()]}\n` + fixture('otel-sdk.ts'),
  });
});
// HEADWAY_PACKAGING_KEEP=1 keeps the projects (their paths are printed) to look into a failure.
function done(made: ConsumerProject | undefined): void {
  if (process.env.HEADWAY_PACKAGING_KEEP) console.log(`consumer project kept: ${made?.dir}`);
  else made?.remove();
}
afterAll(() => done(project));

function strictlyIncreasing(values: number[]): boolean {
  return values.every((v, i) => i === 0 || v > values[i - 1]!);
}

describe(`packed tarballs in a project outside the workspace (Node ${process.versions.node})`, () => {
  it('installs with npm: workspace ranges became versions, every peer range is met (npm ls)', async () => {
    for (const pkg of publishablePackages()) {
      const installed = JSON.parse(readFileSync(join(project.dir, 'node_modules', pkg.name, 'package.json'), 'utf8'));
      expect(installed.version).toBe(pkg.version);
      for (const [dep, range] of Object.entries({ ...installed.dependencies, ...installed.peerDependencies })) {
        expect(`${dep}@${String(range)}`).not.toContain('workspace:');
      }
    }
    await project.exec('npm', ['ls', '--all', '--loglevel=error']);
  });

  it("runs the README's first snippet (tutorial core.ts) as written: progress up to 100%, then what it says it prints", async () => {
    const lines = (await project.node('out/tutorial/core.js')).trim().split('\n');
    const percents = lines.map((l) => /^(\d+)%/.exec(l)?.[1]).filter((p) => p !== undefined).map(Number);
    expect(percents.length).toBeGreaterThan(1);
    expect(percents.every((p, i) => i === 0 || p >= percents[i - 1]!)).toBe(true);
    expect(percents.at(-1)).toBe(100);
    if (step('core.ts')!.printsLast) expect(lines.at(-1)).toBe(step('core.ts')!.printsLast);
  });

  it("runs the README's tutorial server and client as written: the client sees progress to 100/100 and the result", async (context) => {
    if (!step('server.ts') || !step('client.ts')) return context.skip('the README has no tutorial server.ts and client.ts');
    const tasksDir = join(project.dir, 'tutorial-tasks');
    const lines = (await project.node('out/tutorial/client.js', [], { HOME: tasksDir })).trim().split('\n');
    const progress = lines.map((l) => /^(\d+)\/100/.exec(l)?.[1]).filter((p) => p !== undefined).map(Number);
    expect(progress.length).toBeGreaterThan(1);
    expect(strictlyIncreasing(progress)).toBe(true);
    expect(progress.at(-1)).toBe(100);
    if (step('client.ts')!.printsLast) expect(lines.at(-1)).toBe(step('client.ts')!.printsLast);
  });

  it('serves a long-running MCP tool to the SDK Client: strictly increasing progress to 100, then the result', async () => {
    const out = JSON.parse(await project.node('out/mcp-client.js'));
    expect(out.tools).toContain('count_items');
    expect(out.isError).toBe(false);
    expect(out.structured).toEqual({ counted: 25 });
    expect(out.progress.length).toBeGreaterThan(1);
    expect(strictlyIncreasing(out.progress)).toBe(true);
    expect(out.progress.at(-1)).toBe(100);
  });

  it(`exports spans through the OpenTelemetry SDK line for this Node (${otelLine()})`, async () => {
    const out = JSON.parse(await project.node('out/otel-sdk.js'));
    expect(out.result).toBe(3);
    expect(out.spans).toContain('task traced');
    expect(out.spans.length).toBeGreaterThan(1);
  });

  it('loads every entry point of every package from its exports map', async () => {
    const out = JSON.parse(await project.node('entry-points.mjs')) as Record<string, number>;
    const expected = publishablePackages().flatMap((pkg) =>
      Object.keys(pkg.manifest.exports ?? {})
        .filter((s) => s !== './package.json' && s !== './testing')
        .map((s) => (s === '.' ? pkg.name : `${pkg.name}/${s.slice(2)}`)),
    );
    expect(Object.keys(out).sort()).toEqual(expected.sort());
    for (const [specifier, count] of Object.entries(out)) expect(count, specifier).toBeGreaterThan(0);
  });

  it('links the headway-worker command of @headway/bullmq', async () => {
    const { stdout } = await project.exec(join(project.dir, 'node_modules', '.bin', 'headway-worker'), ['--help']);
    expect(stdout).toContain('Usage: headway-worker --tasks <module>');
  });
});

describe('a project with SDK v2 alone (no @modelcontextprotocol/sdk): strict tsc without skipLibCheck', () => {
  let v2Only: ConsumerProject | undefined;
  beforeAll(async () => {
    const mcp = project.tarballs.get('@headway/mcp')!;
    v2Only = await createConsumerProject(
      { 'v2-server.ts': fixture('v2-server.ts') },
      {
        tarballs: new Map([...project.tarballs].filter(([name]) => name === '@headway/core' || name === '@headway/mcp')),
        dependencies: { '@modelcontextprotocol/server': peerRange(mcp, '@modelcontextprotocol/server'), zod: '^4.2.0' },
        skipLibCheck: false,
      },
    );
  });
  afterAll(() => done(v2Only));

  it("compiles and runs a server like packages/mcp/README.md's SDK v2 snippets on @headway/mcp/v2", async () => {
    expect(existsSync(join(v2Only!.dir, 'node_modules', '@modelcontextprotocol', 'server'))).toBe(true);
    expect(existsSync(join(v2Only!.dir, 'node_modules', '@modelcontextprotocol', 'sdk'))).toBe(false);
    expect(JSON.parse(await v2Only!.node('out/v2-server.js'))).toEqual({ fetch: 'function', listening: false, factory: 'function' });
  });
});
