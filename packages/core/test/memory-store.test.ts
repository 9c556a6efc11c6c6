import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryTaskStore } from '../src/store/memory-store.js';
import { ANY_OWNER } from '../src/store/task-store.js';
import { isTerminal } from '../src/task-record.js';
import type { TaskRecord, TaskStatus } from '../src/task-record.js';

function record(store: MemoryTaskStore, id: string, owner = 'o', status: TaskRecord['status'] = 'queued'): TaskRecord {
  return { id, owner, kind: 'k', seq: store.nextSeq(), status, metadata: {}, progress: 0, attempt: 1, maxAttempts: 1, createdAt: 0, ttlMs: 10, dependsOn: [], resumable: false };
}

describe('MemoryTaskStore', () => {
  it('compare-and-set on status; terminal is final', async () => {
    const store = new MemoryTaskStore();
    await store.create(record(store, 'a'));
    expect((await store.update('a', { status: 'working' }, { expect: ['working'] })).ok).toBe(false);
    expect((await store.update('a', { status: 'working' }, { expect: ['queued'] })).ok).toBe(true);
    expect((await store.update('a', { status: 'completed', result: 1 })).ok).toBe(true);
    const late = await store.update('a', { status: 'failed' });
    expect(late).toMatchObject({ ok: false, record: { status: 'completed', result: 1 } });
    expect((await store.update('zzz', { progress: 1 })).ok).toBe(false);
  });

  it('returns copies, scopes reads by owner and counts unfinished tasks', async () => {
    const store = new MemoryTaskStore();
    await store.create(record(store, 'a', 'alice'));
    await store.create(record(store, 'b', 'bob'));
    const copy = (await store.get('a', 'alice'))!;
    copy.status = 'failed';
    expect((await store.get('a', 'alice'))!.status).toBe('queued');
    expect(await store.get('a', 'bob')).toBeUndefined();
    expect(await store.get('a', ANY_OWNER)).toBeDefined();
    expect(await store.countActive('alice')).toBe(1);
    await store.update('a', { status: 'cancelled' });
    expect(await store.countActive('alice')).toBe(0);
  });

  it('sweeps only terminal records past expiry, and lists stay consistent after', async () => {
    const store = new MemoryTaskStore();
    for (let i = 0; i < 200; i++) await store.create(record(store, `t${i}`));
    for (let i = 0; i < 150; i++) await store.update(`t${i}`, { status: 'completed', expiresAt: 5 });
    expect(await store.sweep(10)).toBe(150);
    const page = await store.list({ owner: 'o', limit: 1000 });
    expect(page.tasks.map((t) => t.id)).toEqual(Array.from({ length: 50 }, (_, i) => `t${i + 150}`));
    const filtered = await store.list({ owner: ANY_OWNER, status: ['queued'], limit: 10 });
    expect(filtered.tasks).toHaveLength(10);
    expect(filtered.nextCursor).toBeDefined();
  });

  it('a list filter that matches nothing reads no record, and a matching one reads about a page', async () => {
    const store = new MemoryTaskStore();
    for (let i = 0; i < 5000; i++) await store.create({ ...record(store, `t${i}`, `o${i % 3}`), kind: i % 2 ? 'odd' : 'even' });
    for (let i = 0; i < 5000; i += 7) await store.update(`t${i}`, { status: 'working' });
    // Count every read of a stored record's filtered fields (status, kind, owner).
    let reads = 0;
    for (let i = 0; i < 5000; i++) {
      const stored = store.peek(`t${i}`, ANY_OWNER) as unknown as Record<string, unknown>;
      for (const field of ['status', 'kind', 'owner']) {
        let value = stored[field];
        Object.defineProperty(stored, field, {
          enumerable: true,
          get: () => (reads++, value),
          set: (v: unknown) => (value = v),
        });
      }
    }
    const none = [
      await store.list({ owner: ANY_OWNER, status: ['cancelled', 'failed'] }),
      await store.list({ owner: 'o1', status: ['completed'] }),
      await store.list({ owner: ANY_OWNER, kind: 'no-such-kind' }),
      await store.list({ owner: 'nobody', status: ['queued'] }),
    ];
    expect(none.map((p) => p.tasks.length)).toEqual([0, 0, 0, 0]);
    expect(reads).toBe(0);
    // 715 working records; a page of 10 of them costs about 10 records, not 5,000.
    const page = await store.list({ owner: ANY_OWNER, status: ['working'], limit: 10 });
    expect(page.tasks.map((t) => t.id)).toEqual(Array.from({ length: 10 }, (_, i) => `t${i * 7}`));
    expect(reads).toBeLessThan(200);
  });

  it('sweeping with nothing expired reads no record', async () => {
    const store = new MemoryTaskStore();
    for (let i = 0; i < 2000; i++) {
      await store.create(record(store, `t${i}`));
      await store.update(`t${i}`, { status: 'completed', expiresAt: 1_000 + i });
    }
    let reads = 0;
    for (let i = 0; i < 2000; i++) {
      const stored = store.peek(`t${i}`, ANY_OWNER) as unknown as Record<string, unknown>;
      for (const field of ['status', 'expiresAt']) {
        const value = stored[field];
        Object.defineProperty(stored, field, { enumerable: true, get: () => (reads++, value) });
      }
    }
    expect(await store.sweep(999)).toBe(0);
    expect(reads).toBe(0);
    expect(await store.sweep(1_009)).toBe(10);
    expect(store.size).toBe(1990);
  });

  it.each([false, true])('lists and sweeps like a plain filter over the records, whatever the operations (property; packFinished %s)', async (packFinished) => {
    const statuses: TaskStatus[] = ['queued', 'working', 'input_required', 'completed', 'failed', 'cancelled'];
    const op = fc.oneof(
      fc.record({ op: fc.constant('create' as const), owner: fc.constantFrom('a', 'b'), kind: fc.constantFrom('x', 'y'), seqGap: fc.integer({ min: -3, max: 3 }) }),
      fc.record({ op: fc.constant('update' as const), target: fc.nat(), status: fc.constantFrom(...statuses), expiresAt: fc.option(fc.integer({ min: 0, max: 20 }), { nil: undefined }) }),
      fc.record({ op: fc.constant('delete' as const), target: fc.nat() }),
      fc.record({ op: fc.constant('sweep' as const), now: fc.integer({ min: 0, max: 20 }) }),
    );
    const query = fc.record({
      owner: fc.constantFrom<'a' | 'b' | typeof ANY_OWNER>('a', 'b', ANY_OWNER),
      status: fc.option(fc.subarray(statuses), { nil: undefined }),
      kind: fc.option(fc.constantFrom('x', 'y', 'z'), { nil: undefined }),
      limit: fc.integer({ min: 1, max: 4 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 60 }), fc.array(query, { minLength: 1, maxLength: 5 }), async (ops, queries) => {
        const store = new MemoryTaskStore({ packFinished });
        const model = new Map<string, TaskRecord>();
        let n = 0;
        let seq = 100;
        for (const o of ops) {
          const ids = [...model.keys()];
          if (o.op === 'create') {
            seq = Math.max(1, seq + o.seqGap); // seqs out of order and shared, as a wrapper may insert them
            const r = { ...record(store, `t${n++}`, o.owner), kind: o.kind, seq };
            await store.create(r);
            model.set(r.id, { ...r });
          } else if (o.op === 'update' && ids.length > 0) {
            const id = ids[o.target % ids.length]!;
            const ok = (await store.update(id, { status: o.status, expiresAt: o.expiresAt })).ok;
            const m = model.get(id)!;
            expect(ok).toBe(!isTerminal(m.status));
            if (ok) Object.assign(m, { status: o.status, expiresAt: o.expiresAt });
          } else if (o.op === 'delete' && ids.length > 0) {
            const id = ids[o.target % ids.length]!;
            expect(await store.delete(id)).toBe(true);
            model.delete(id);
          } else if (o.op === 'sweep') {
            const gone = [...model.values()].filter((r) => isTerminal(r.status) && r.expiresAt !== undefined && r.expiresAt <= o.now);
            expect(await store.sweep(o.now)).toBe(gone.length);
            for (const r of gone) model.delete(r.id);
          }
        }
        for (const q of queries) {
          const expected = [...model.values()]
            .filter((r) => (q.owner === ANY_OWNER || r.owner === q.owner) && (!q.status || q.status.includes(r.status)) && (q.kind === undefined || r.kind === q.kind))
            .sort((x, y) => x.seq - y.seq || Number(x.id.slice(1)) - Number(y.id.slice(1)))
            .map((r) => r.id);
          const got: string[] = [];
          let cursor: string | undefined;
          let pages = 0;
          do {
            const page = await store.list({ ...q, ...(cursor && { cursor }) });
            got.push(...page.tasks.map((t) => t.id));
            cursor = page.nextCursor;
          } while (cursor && ++pages < 100);
          // Cursors are seqs: records sharing a seq across a page boundary are skipped, as before.
          if (new Set([...model.values()].map((r) => r.seq)).size === model.size) expect(got).toEqual(expected);
          else expect(got.every((id) => expected.includes(id))).toBe(true);
        }
        expect(store.size).toBe(model.size);
      }),
      { numRuns: 300 },
    );
  });

  it('packFinished: finishing answers the finished record, indexes it under its new status only, and counts the owner one active task fewer', async () => {
    const store = new MemoryTaskStore({ packFinished: true });
    await store.create(record(store, 'a'));
    await store.create(record(store, 'b'));
    await store.update('a', { status: 'working', startedAt: 1 });
    expect(store.countActive('o')).toBe(2);
    const result = await store.update('a', { status: 'failed', error: { name: 'Error', code: 'x', message: 'm' }, finishedAt: 2, expiresAt: 9 }, { expect: ['working'] });
    expect(result.ok).toBe(true);
    expect(result.record).toMatchObject({ id: 'a', status: 'failed', startedAt: 1, finishedAt: 2, error: { code: 'x', message: 'm' } });
    expect(await store.get('a', 'o')).toEqual(result.record);
    expect((await store.list({ owner: 'o', status: ['working'] })).tasks).toEqual([]);
    expect((await store.list({ owner: 'o', status: ['failed'] })).tasks.map((t) => t.id)).toEqual(['a']);
    expect((await store.list({ owner: 'o', status: ['queued'] })).tasks.map((t) => t.id)).toEqual(['b']);
    expect(store.countActive('o')).toBe(1);
    expect((await store.update('a', { status: 'completed' })).ok).toBe(false);
    expect(await store.sweep(9)).toBe(1);
    expect(store.size).toBe(1);
  });

  it('packFinished: a finished record reads back equal, as a copy of its own, and replays onto it as before', async () => {
    const store = new MemoryTaskStore({ packFinished: true });
    await store.create({ ...record(store, 'a'), input: { text: 'é ☃ \u2028', deep: [1, { x: null }] } });
    await store.update('a', { status: 'completed', result: { ok: true }, expiresAt: 5 });
    const got = (await store.get('a', ANY_OWNER))!;
    expect(got).toMatchObject({ id: 'a', status: 'completed', result: { ok: true }, input: { text: 'é ☃ \u2028', deep: [1, { x: null }] } });
    (got.result as { ok: boolean }).ok = false;
    expect((await store.get('a', ANY_OWNER))!.result).toEqual({ ok: true });
    expect((await store.update('a', { status: 'failed' })).record).toMatchObject({ status: 'completed' });
    // Replaying a log may change a finished record: it stays finished, indexed under its new status and expiry.
    expect(store.restore('a', { status: 'cancelled', expiresAt: 50 })).toBe(true);
    expect((await store.list({ owner: ANY_OWNER, status: ['cancelled'] })).tasks.map((t) => t.id)).toEqual(['a']);
    expect(await store.sweep(10)).toBe(0);
    expect(await store.sweep(50)).toBe(1);
    expect(store.size).toBe(0);
  });

  it('PackedBatch: once three quarters of a batch are gone, the records left keep texts of their own', async () => {
    const { PackedBatch, PackedRecord } = await import('../src/store/packed-record.js');
    const store = new MemoryTaskStore({ packFinished: true });
    const batch = new PackedBatch();
    const texts = Array.from({ length: 8 }, (_, i) => JSON.stringify({ ...record(store, `p${i}`), status: 'completed' }));
    const whole = texts.join('');
    let at = 0;
    for (let i = 0; i < 8; i++) {
      store.adoptPacked(PackedRecord.of(`p${i}`, 'o', 'k', i + 1, 'completed', undefined, whole, batch, at, at + texts[i]!.length));
      at += texts[i]!.length;
    }
    const textOf = (id: string) => (store as unknown as { records: { get(id: string): { text: string } } }).records.get(id)!.text;
    for (let i = 0; i < 5; i++) expect(await store.delete(`p${i}`)).toBe(true);
    expect(textOf('p6')).toBe(whole);
    expect(await store.delete('p5')).toBe(true);
    expect([textOf('p6'), textOf('p7')]).toEqual([texts[6], texts[7]]);
    expect(await store.get('p6', 'o')).toEqual(JSON.parse(texts[6]!));
    expect((await store.list({ owner: 'o' })).tasks).toEqual([JSON.parse(texts[6]!), JSON.parse(texts[7]!)]);
  });

  it('scan: a walk in seq order, paused while records come and go, visits every record that stays exactly once', () => {
    type Op = { type: 'step'; n: number } | { type: 'create'; tie: boolean } | { type: 'delete'; pick: number } | { type: 'finish'; pick: number };
    const op = fc.oneof(
      fc.record({ type: fc.constant('step' as const), n: fc.integer({ min: 1, max: 5 }) }),
      fc.record({ type: fc.constant('create' as const), tie: fc.boolean() }),
      fc.record({ type: fc.constant('delete' as const), pick: fc.nat() }),
      fc.record({ type: fc.constant('finish' as const), pick: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30 }), fc.boolean(), fc.array(op as fc.Arbitrary<Op>, { maxLength: 60 }), (initial, packFinished, ops) => {
        const store = new MemoryTaskStore({ packFinished });
        let next = 0;
        const create = (seq: number): string => {
          const id = `r${next++}`;
          store.insert({ ...record(store, id), seq });
          return id;
        };
        for (let i = 0; i < initial; i++) create(store.nextSeq());
        const atStart = new Set(Array.from({ length: initial }, (_, i) => `r${i}`));
        const deleted = new Set<string>();
        const visited: { id: string; seq: number }[] = [];
        const walk = store.scan();
        const step = (): boolean => {
          const item = walk.next();
          if (item.done) return false;
          // A record the walk hands out is in the store at that moment.
          expect(store.has(item.value.id)).toBe(true);
          visited.push({ id: item.value.id, seq: item.value.seq });
          return true;
        };
        for (const o of ops) {
          const ids = [...atStart, ...Array.from({ length: next - initial }, (_, i) => `r${initial + i}`)].filter((id) => store.has(id));
          if (o.type === 'step') for (let k = 0; k < o.n && step(); k++);
          else if (o.type === 'create') create(o.tie && visited.length > 0 ? visited[visited.length - 1]!.seq : store.nextSeq());
          else if (ids.length > 0 && o.type === 'delete') {
            const id = ids[o.pick % ids.length]!;
            store.delete(id);
            deleted.add(id);
          } else if (ids.length > 0) store.apply(ids[o.pick % ids.length]!, { status: 'completed' });
        }
        while (step());
        const seen = visited.map((v) => v.id);
        expect(new Set(seen).size).toBe(seen.length);
        for (const id of atStart) if (!deleted.has(id)) expect(seen).toContain(id);
        expect(visited.map((v) => v.seq)).toEqual([...visited.map((v) => v.seq)].sort((a, b) => a - b));
      }),
      { numRuns: 300 },
    );
  });
});
