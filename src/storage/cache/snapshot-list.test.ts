import { describe, expect, it, vi } from 'vitest';
import { type Bodies, ObjectIndex, type Selection } from './object-index.js';
import { CHUNK, ChunkReader, listSnapshot } from './snapshot-list.js';

describe('ChunkReader', () => {
  it('holds one chunk of bodies at a time while a selector scan takes them in order', async () => {
    const n = 5 * CHUNK + 7;
    const keys = Array.from({ length: n }, (_, i) => `/g/things/ns/o${String(i).padStart(5, '0')}`);
    // Every tenth body is in memory already; the rest come from the read view, a chunk per call.
    const sel: Selection = { keys, rvs: keys.map(() => 1), bodies: keys.map((_, i) => (i % 10 === 0 ? `{"i":${i}}` : undefined)) };
    const reads: number[] = [];
    const reader = new ChunkReader(sel, {
      read: async (ks) => {
        reads.push(ks.length);
        return ks.map((k) => `{"i":${keys.indexOf(k)}}`);
      },
      close: () => {},
    });
    let mostHeld = 0;
    for (let i = 0; i < n; i++) {
      expect(JSON.parse(await reader.take(i))).toEqual({ i });
      mostHeld = Math.max(mostHeld, sel.bodies.filter((b) => b !== undefined).length);
    }
    expect(sel.bodies.every((b) => b === undefined)).toBe(true);
    // Before, a scan of a million objects for a label that none had kept every body it read until its end.
    expect(mostHeld).toBeLessThanOrEqual(CHUNK + n / 10);
    expect(reads.length).toBe(Math.ceil(n / CHUNK));
    reader.close();
  });
});

/** Bodies only on a disk, whose snapshot is a copy of it as it was: none in memory. */
class Disk implements Bodies {
  readonly disk = new Map<string, string>();
  peek(): undefined {
    return undefined;
  }
  remember(key: string, _rv: number, json: string): void {
    this.disk.set(key, json);
  }
  forget(key: string): void {
    this.disk.delete(key);
  }
  snapshot() {
    const then = new Map(this.disk);
    return { read: async (keys: string[]) => keys.map((k) => then.get(k)), close: () => {} };
  }
}

/** An index of `n` keys committed at resourceVersion 1, their bodies (`body`) only on a disk of their own. */
function indexOnDisk(n: number, body: (key: string) => string): { keys: string[]; bodies: Disk; index: ObjectIndex } {
  const keys = Array.from({ length: n }, (_, i) => `/g/things/ns/o${String(i).padStart(5, '0')}`);
  const bodies = new Disk();
  const index = new ObjectIndex(bodies);
  index.loadSorted(
    keys,
    keys.map(() => 1),
  );
  for (const k of keys) bodies.disk.set(k, body(k));
  return { keys, bodies, index };
}

describe('listSnapshot of every key', () => {
  it('reads the keys a chunk at a time from a view of the index as it began, never an array of them all', async () => {
    const n = 3 * CHUNK + 5;
    const { keys, bodies, index } = indexOnDisk(n, (k) => `{"key":"${k}","rv":1}`);
    // A write of the sixth key is in flight: the disk holds it already, but it is not committed.
    const sixth = keys[5] as string;
    index.enqueue(sixth, { json: `{"key":"${sixth}","rv":2}`, rv: 2 }, `{"key":"${sixth}","rv":1}`);
    bodies.disk.set(sixth, `{"key":"${sixth}","rv":2}`);
    const select = vi.spyOn(index, 'select');

    const listed = await listSnapshot(index, '/g/things/', 1, undefined, { raw: true });
    // Writes after the list began: a delete, an update and a create, each committed.
    index.commit([
      { type: 'DELETED', key: keys[1] as string, resourceVersion: 3, json: '{}' },
      { type: 'MODIFIED', key: keys[300] as string, resourceVersion: 4, json: '{"rv":4}' },
      { type: 'ADDED', key: '/g/things/ns/o00002a', resourceVersion: 5, json: '{"rv":5}' },
    ]);
    const seen: string[] = [];
    const texts: string[] = [];
    let i = 0;
    for await (const chunk of listed.rawItems?.chunks() ?? []) {
      for (const text of chunk) {
        seen.push(`${listed.rawItems?.keyOf(i)}@${listed.rawItems?.resourceVersionOf(i)}`);
        texts.push(text as string);
        i++;
      }
    }
    expect(listed.rawItems?.length).toBe(n);
    expect(seen).toEqual(keys.map((k) => `${k}@1`));
    expect(texts).toEqual(keys.map((k) => `{"key":"${k}","rv":1}`));
    expect(select).not.toHaveBeenCalled();
    // The index itself has the writes: the view's clone copied what they changed.
    const now = index.select('/g/things/');
    expect(now.keys).toHaveLength(n);
    expect(now.keys).not.toContain(keys[1]);
    expect(now.keys[2]).toBe('/g/things/ns/o00002a');
    expect(now.rvs[now.keys.indexOf(keys[300] as string)]).toBe(4);
  });

  it('counts from after the continue key, as the pages of the same list do', async () => {
    const { keys, index } = indexOnDisk(2 * CHUNK, (k) => `"${k}"`);
    const rest = await listSnapshot(index, '/g/things/', 1, undefined, { raw: true, startAfter: keys[9] });
    const texts: string[] = [];
    for await (const chunk of rest.rawItems?.chunks() ?? []) texts.push(...(chunk as string[]));
    expect(rest.rawItems?.length).toBe(keys.length - 10);
    expect(texts).toEqual(keys.slice(10).map((k) => `"${k}"`));
  });
});

describe('listSnapshot by pages', () => {
  it('selects only a page of keys, also at an older resourceVersion, and counts what remains as the whole list does', async () => {
    const { keys, index } = indexOnDisk(300, (k) => `"${k}"`);
    // At the snapshot: every fifth key did not exist yet, a few existed that are gone now, one had another body.
    const overrides = new Map<string, string | null>();
    for (let i = 0; i < 300; i += 5) overrides.set(keys[i] as string, null);
    for (const gone of ['/g/things/ns/o00001a', '/g/things/ns/o00150a', '/g/things/ns/zzz']) overrides.set(gone, `"then ${gone}"`);
    overrides.set(keys[7] as string, '"then o7"');
    overrides.set('/g/other/ns/o', '"elsewhere"');
    const expected = [...keys.filter((_, i) => i % 5 !== 0), '/g/things/ns/o00001a', '/g/things/ns/o00150a', '/g/things/ns/zzz']
      .sort()
      .map((k) => (overrides.has(k) ? (overrides.get(k) as string) : `"${k}"`));
    const select = vi.spyOn(index, 'select');

    for (const [limit, older] of [
      [1, overrides],
      [7, overrides],
      [500, overrides],
      [13, undefined],
    ] as const) {
      const want = older ? expected : keys.map((k) => `"${k}"`);
      const texts: string[] = [];
      let startAfter: string | undefined;
      do {
        select.mockClear();
        const page = await listSnapshot(index, '/g/things/', 1, older, { raw: true, limit, startAfter });
        for await (const chunk of page.rawItems?.chunks() ?? []) texts.push(...(chunk as string[]));
        for (const r of select.mock.results) expect((r.value as Selection).keys.length).toBeLessThanOrEqual(limit + (older?.size ?? 0));
        expect(page.remainingItemCount).toBe(page.lastKey === undefined ? undefined : want.length - texts.length);
        // Each page of a list in pages says how long the whole list is (the Table's row cache asks).
        const paged = startAfter !== undefined || page.lastKey !== undefined;
        expect(page.rawItems?.listLength).toBe(paged ? want.length : undefined);
        startAfter = page.lastKey;
      } while (startAfter !== undefined);
      expect(texts, `limit ${limit}`).toEqual(want);
    }
  });
});

describe('listSnapshot with a selector', () => {
  it('scans a chunk of keys at a time and pages as the scan of a selection does, without the writes after it began', async () => {
    const n = 4 * CHUNK + 9;
    // Every third object has the label; a page of a selector stops at its limit and continues after its last item.
    const { keys, index } = indexOnDisk(n, (k) =>
      JSON.stringify({ metadata: { name: k, labels: { odd: String(Number(k.slice(-5)) % 3 === 0) } } }),
    );
    const predicate = Object.assign((o: { metadata?: { labels?: Record<string, string> } }) => o.metadata?.labels?.odd === 'true', {
      requiredText: ['"odd":"true"'],
    });
    const want = keys.filter((_, i) => i % 3 === 0);
    const select = vi.spyOn(index, 'select');

    for (const [limit, selector] of [
      [1, predicate],
      [50, predicate],
      [1000, predicate],
      [100, undefined],
    ] as const) {
      const expected = selector ? want : keys;
      const names: string[] = [];
      let startAfter: string | undefined;
      do {
        const listing = listSnapshot(index, '/g/things/', 1, undefined, { limit, startAfter, predicate: selector });
        // A matching object created while the page is read, in its second chunk of keys, is not in it: its keys
        // were taken when it began.
        const late = `${keys[keys.indexOf(startAfter ?? '') + CHUNK + 10] ?? '/g/things/ns/o'}a`;
        index.commit([{ type: 'ADDED', key: late, resourceVersion: 2, json: '{"metadata":{"name":"late","labels":{"odd":"true"}}}' }]);
        const page = await listing;
        index.commit([{ type: 'DELETED', key: late, resourceVersion: 3, json: '{}' }]);
        names.push(...page.items.map((o) => o.metadata?.name as string));
        expect(page.items.length).toBeLessThanOrEqual(limit);
        expect(page.lastKey).toBe(names.length < expected.length ? names.at(-1) : undefined);
        expect(page.remainingItemCount).toBe(selector || page.lastKey === undefined ? undefined : expected.length - names.length);
        startAfter = page.lastKey;
      } while (startAfter !== undefined);
      expect(names, `limit ${limit}`).toEqual(expected);
    }
    // Only the pages that begin within the last chunk select their keys.
    for (const r of select.mock.results) expect((r.value as Selection).keys.length).toBeLessThanOrEqual(CHUNK);
  });
});
