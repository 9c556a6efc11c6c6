import { describe, expect, it } from 'vitest';
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
