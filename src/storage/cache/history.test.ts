import { describe, expect, it } from 'vitest';
import { type ColdStore, EventHistory, type HistoryEntry, isCold } from './history.js';

const entry = (rv: number, key = `/g/t/ns/o${rv}`, added = rv === 1): HistoryEntry => ({
  type: added ? 'ADDED' : 'MODIFIED',
  key,
  resourceVersion: rv,
  json: `{"rv":${rv}}`.padEnd(100),
  ...(added ? {} : { prevJson: `{"rv":${rv - 1}}` }),
});

/** A cold store over a map of every entry written, counting what it was asked for. */
function store(hotBytes: number): ColdStore & { asked: number[][]; all: Map<number, HistoryEntry> } {
  const all = new Map<number, HistoryEntry>();
  const asked: number[][] = [];
  return {
    hotBytes,
    all,
    asked,
    read: async (rvs) => {
      asked.push(rvs);
      return new Map(rvs.filter((rv) => all.has(rv)).map((rv) => [rv, all.get(rv) as HistoryEntry]));
    },
  };
}

describe('EventHistory with a cold store', () => {
  it('keeps the text of only the newest hotBytes of events, counting every event in its bounds', async () => {
    const cold = store(500);
    const h = new EventHistory({ maxEvents: 100, maxBytes: 1 << 20 }, 0, cold);
    const written = Array.from({ length: 10 }, (_, i) => entry(i + 1));
    for (const e of written) cold.all.set(e.resourceVersion, e);
    const bytesBefore = written.reduce((n, e) => n + e.json.length + (e.prevJson?.length ?? 0) + e.key.length + 64, 0);
    h.apply(written, []);
    expect(h.size).toBe(10);
    expect(h.totalBytes).toBe(bytesBefore);
    // Without the bodies read back, a replay from the start cannot be given; from near the present it can.
    expect(h.since(0, '/g/t/')).toBeUndefined();
    expect(h.since(8, '/g/t/')?.map((e) => e.resourceVersion)).toEqual([9, 10]);
    expect(cold.asked).toEqual([]);

    const bodies = await h.readCold(0, '/g/t/');
    expect(h.since(0, '/g/t/', bodies)?.map((e) => e.resourceVersion)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // Only cold entries under the prefix are read.
    expect(cold.asked).toEqual([[1, 2, 3, 4, 5, 6, 7, 8]]);
    expect((await h.readCold(0, '/other/')).size).toBe(0);
  });

  it('replays one prefix from its own cold events, whatever other prefixes hold', async () => {
    const cold = store(0);
    const h = new EventHistory({ maxEvents: 100, maxBytes: 1 << 20 }, 0, cold);
    const written = [entry(1, '/g/a/ns/x'), entry(2, '/g/b/ns/y'), entry(3, '/g/a/ns/x')];
    for (const e of written) cold.all.set(e.resourceVersion, e);
    h.apply(written, []);
    const bodies = await h.readCold(0, '/g/a/');
    expect(cold.asked).toEqual([[1, 3]]);
    expect(h.since(0, '/g/a/', bodies)?.map((e) => e.resourceVersion)).toEqual([1, 3]);
    expect(h.since(0, '/g/', bodies)).toBeUndefined();
  });

  it('undoes cold events for a snapshot only with their bodies, and keeps ADDED without reading', async () => {
    const cold = store(0);
    const h = new EventHistory({ maxEvents: 100, maxBytes: 1 << 20 }, 0, cold);
    const written = [entry(1, '/g/t/ns/a'), entry(2, '/g/t/ns/a'), entry(3, '/g/t/ns/b', true)];
    for (const e of written) cold.all.set(e.resourceVersion, e);
    h.apply(written, []);
    expect(h.overrides('/g/t/', 1)).toBeUndefined();
    expect(h.overrides('/g/t/', 1, await h.readCold(1, '/g/t/'))).toEqual(
      new Map([
        ['/g/t/ns/b', null],
        ['/g/t/ns/a', '{"rv":1}'],
      ]),
    );
    expect(h.overrides('/g/t/', 2)).toEqual(new Map([['/g/t/ns/b', null]]));
  });

  it('drops cold and hot entries alike at its bounds, and compacts to the last dropped', () => {
    const cold = store(300);
    const h = new EventHistory({ maxEvents: 4, maxBytes: 1 << 20 }, 0, cold);
    for (let rv = 1; rv <= 10; rv++) {
      const e = entry(rv);
      cold.all.set(rv, e);
      h.apply([e], h.planEviction([e]));
    }
    expect(h.size).toBe(4);
    expect(h.compacted).toBe(6);
    expect(h.since(6, '/g/t/')).toBeUndefined();
    expect(h.since(9, '/g/t/')?.map((e) => e.resourceVersion)).toEqual([10]);
    expect(h.since(6, '/g/t/', cold.all)?.map((e) => e.resourceVersion)).toEqual([7, 8, 9, 10]);
    expect(isCold(entry(1))).toBe(false);
  });

  it('keeps every text without a cold store (etcd replays from memory)', () => {
    const h = new EventHistory({ maxEvents: 100, maxBytes: 1 << 20 });
    h.apply(
      Array.from({ length: 50 }, (_, i) => entry(i + 1)),
      [],
    );
    expect(h.since(0, '/g/t/')?.length).toBe(50);
  });
});
