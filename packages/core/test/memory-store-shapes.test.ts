import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const spi = fileURLToPath(new URL('../dist/spi.js', import.meta.url));

// V8's own verdict, from a child process with natives syntax: do stored records that gained the
// same fields in updates share one hidden class? On Node 20 a `{ ...record }` copy does not: each
// record then gets a hidden class of its own (~470 bytes more, and much slower collections).
const script = `
const { MemoryTaskStore } = await import(${JSON.stringify(spi)});
const store = new MemoryTaskStore();
const ids = [];
for (let i = 0; i < 50; i++) {
  const id = 't' + i;
  ids.push(id);
  store.create({ id, owner: 'o', kind: 'k', seq: store.nextSeq(), status: 'queued', input: { i }, metadata: {}, progress: 0, attempt: 1, maxAttempts: 1, createdAt: Date.now(), ttlMs: 1000, dependsOn: [], resumable: false });
}
for (const id of ids) {
  store.apply(id, { status: 'working', startedAt: Date.now() }, ['queued']);
  store.apply(id, { status: 'completed', progress: 100, result: { ok: true }, finishedAt: Date.now(), expiresAt: Date.now() + 1000 }, ['working']);
}
const records = [...store.scan()];
let shapes = 1;
for (let i = 1; i < records.length; i++) if (!%HaveSameMap(records[i - 1], records[i])) shapes++;
process.stdout.write(String(shapes));
`;

describe('MemoryTaskStore record shapes', () => {
  it('records that gained the same fields share one hidden class', () => {
    const out = execFileSync(process.execPath, ['--allow-natives-syntax', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(Number(out)).toBe(1);
  });
});
