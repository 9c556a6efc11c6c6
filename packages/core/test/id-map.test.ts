import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { IdMap } from '../src/id-map.js';
import { newTaskId } from '../src/ids.js';

function shardSizes(map: IdMap<unknown>): number[] {
  return (map as unknown as { shards: Map<string, unknown>[] }).shards.map((shard) => shard.size);
}

describe('IdMap', () => {
  it('counts each id once, whatever is set, replaced or deleted', () => {
    const map = new IdMap<number>();
    map.set('a', 1);
    map.set('a', 2);
    map.set('', 3);
    expect(map.size).toBe(2);
    expect(map.get('a')).toBe(2);
    expect(map.get('')).toBe(3);
    expect(map.has('b')).toBe(false);
    expect(map.delete('b')).toBe(false);
    expect(map.delete('a')).toBe(true);
    expect(map.delete('a')).toBe(false);
    expect(map.size).toBe(1);
    expect([...map.values()]).toEqual([3]);
  });

  it.each([
    ['ids this library issues', () => newTaskId()],
    ['ids sharing a prefix, numbered', (i: number) => `job-${i}`],
    ['uuids', () => crypto.randomUUID()],
  ])('spreads %s evenly over its shards (none holds more than 1.5 times its share)', (_name, id) => {
    const map = new IdMap<number>();
    for (let i = 0; i < 64_000; i++) map.set(id(i), i);
    const sizes = shardSizes(map);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(64_000);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(1.5 * (64_000 / sizes.length));
  });
});

describe('IdMap tables (open addressing)', () => {
  type Table = { size: number; get(id: string, h: number): unknown; has(id: string, h: number): boolean; set(id: string, h: number, v: unknown): boolean; delete(id: string, h: number): boolean; values(): Iterable<unknown> };
  const tableOf = (map: IdMap<number>): Table => (map as unknown as { shards: Table[] }).shards[0]!;

  it('agrees with a Map under any mix of sets and deletes, even when every hash collides or runs wrap around', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(() => 0, (k: number) => k % 3, (k: number) => 15 - (k % 2), (k: number) => k * 7),
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 40 })), { maxLength: 300 }),
        (hashFor, ops) => {
          const table = tableOf(new IdMap<number>());
          const model = new Map<string, number>();
          ops.forEach(([isSet, k], step) => {
            const id = `id-${k}`;
            if (isSet) {
              expect(table.set(id, hashFor(k), step)).toBe(!model.has(id));
              model.set(id, step);
            } else {
              expect(table.delete(id, hashFor(k))).toBe(model.delete(id));
            }
            expect(table.size).toBe(model.size);
          });
          for (let k = 0; k <= 40; k++) {
            expect(table.get(`id-${k}`, hashFor(k))).toBe(model.get(`id-${k}`));
            expect(table.has(`id-${k}`, hashFor(k))).toBe(model.has(`id-${k}`));
          }
          expect([...table.values()]).toEqual([...model.values()]);
        },
      ),
    );
  });

  it('keeps 200,000 ids, and gives back its slots once most are deleted', () => {
    const map = new IdMap<number>();
    const ids = Array.from({ length: 200_000 }, () => newTaskId());
    ids.forEach((id, i) => map.set(id, i));
    expect(map.size).toBe(200_000);
    expect(ids.every((id, i) => map.get(id) === i)).toBe(true);
    const slots = () => (map as unknown as { shards: { slots: Int32Array }[] }).shards.reduce((n, t) => n + t.slots.length / 2, 0);
    const full = slots();
    expect(ids.slice(0, 198_000).every((id) => map.delete(id))).toBe(true);
    expect(map.size).toBe(2_000);
    expect(slots()).toBeLessThan(full / 16);
    expect(ids.slice(198_000).every((id, i) => map.get(id) === 198_000 + i)).toBe(true);
    expect(ids.slice(0, 198_000).some((id) => map.has(id))).toBe(false);
  });
});
