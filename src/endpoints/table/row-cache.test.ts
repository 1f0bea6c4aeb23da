import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../apimachinery/types.js';
import { builtinDefinitionsPath, loadDefinitions } from '../../registry/definitions/load.js';
import { wardleCodeStrategies } from '../../registry/wardle/index.js';
import { cellsJson, RowCache, rowBytes, rowCacheFor, rowOf } from './row-cache.js';
import { tableForObjects } from './table.js';

describe('the Table row cache', async () => {
  const builtin = builtinDefinitionsPath();
  const [flunders] = await loadDefinitions([builtin], new Map([[builtin, wardleCodeStrategies()]]));
  const version = flunders!.versions[0]!;
  const flunder = (name: string, reference: string, created = '2026-11-30T10:00:00Z'): KubeObject => ({
    apiVersion: 'wardle.example.com/v1alpha1',
    kind: 'Flunder',
    metadata: { name, namespace: 'ns', uid: `u-${name}`, resourceVersion: '7', creationTimestamp: created },
    spec: { reference, referenceType: 'Flunder' },
  });

  it('gives the rows the Table of the parsed objects has, for every includeObject', () => {
    const objects = [flunder('a', 'x'), flunder('b', 'y'), flunder('c', 'z', 'not a time')];
    for (const includeObject of ['Metadata', 'None', 'Object']) {
      const now = Date.now();
      const expected = tableForObjects(objects, version, { includeObject }).rows;
      const rows = objects.map((o, i) => {
        const row = rowOf(version, includeObject, `/k/${o.metadata.name}`, i, JSON.stringify(o));
        return { cells: JSON.parse(cellsJson(row, now)), object: JSON.parse(row.object) };
      });
      expect(rows).toEqual(expected);
    }
  });

  it('keeps one row per key at its resourceVersion: found without the text; a new resourceVersion replaces it', () => {
    const first = rowOf(version, 'Metadata', '/k/d', 1, JSON.stringify(flunder('d', 'x')));
    expect(rowCacheFor(version, 'Metadata').peek('/k/d', 1)).toBe(first);
    expect(rowCacheFor(version, 'Metadata').peek('/k/d', 2)).toBeUndefined();
    const written = rowOf(version, 'Metadata', '/k/d', 2, JSON.stringify(flunder('d', 'changed')));
    expect(written).not.toBe(first);
    expect(written.cells).toContain('"changed"');
    expect(rowCacheFor(version, 'Metadata').peek('/k/d', 1)).toBeUndefined();
    // A body of unknown resourceVersion (from the history) is rendered, never cached.
    const unknown = rowOf(version, 'Metadata', '/k/d', -1, JSON.stringify(flunder('d', 'older')));
    expect(unknown.cells).toContain('"older"');
    expect(rowCacheFor(version, 'Metadata').peek('/k/d', 2)).toBe(written);
  });

  it('renders ages when the Table is written, not when the row was cached', () => {
    const row = rowOf(version, 'Metadata', '/k/e', 1, JSON.stringify(flunder('e', 'x')));
    const created = Date.parse('2026-11-30T10:00:00Z');
    expect(JSON.parse(cellsJson(row, created + 5 * 60_000)).at(-1)).toBe('5m');
    expect(JSON.parse(cellsJson(row, created + 3 * 3600_000)).at(-1)).toBe('3h');
  });

  it('writes a row as bytes after a comma, the same through a second of the clock and re-rendered in the next', () => {
    const row = rowOf(version, 'Metadata', '/k/f', 1, JSON.stringify(flunder('f', 'x')));
    const created = Date.parse('2026-11-30T10:00:00Z');
    const at = (ms: number) => rowBytes(row, created + ms);
    const parsed = (b: Buffer) => JSON.parse(b.subarray(1).toString()) as { cells: unknown[]; object: unknown };
    expect(at(65_000).subarray(0, 1).toString()).toBe(',');
    expect(parsed(at(65_000))).toEqual({ cells: JSON.parse(cellsJson(row, created + 65_000)), object: JSON.parse(row.object) });
    // The same second: the same bytes, not encoded again; the next second: the age moves on.
    expect(at(65_999)).toBe(at(65_000));
    expect(parsed(at(66_000)).cells.at(-1)).toBe('66s');
    // An age counted from a fraction of a second is never kept: its text can change within a second.
    const fractional = rowOf(version, 'Metadata', '/k/g', 1, JSON.stringify(flunder('g', 'x', '2026-11-30T10:00:00.500Z')));
    expect(rowBytes(fractional, created + 1_000)).not.toBe(rowBytes(fractional, created + 1_000));
  });

  it('holds rows up to its bound in bytes, the least recently made out first', () => {
    const cache = new RowCache(3_000);
    const row = (n: number) => ({ cells: ['"x"'], object: 'o'.repeat(n), wholeSeconds: true });
    cache.set('/k/a', 1, row(500));
    cache.set('/k/b', 1, row(500));
    cache.set('/k/a', 2, row(500)); // rewritten: now the newest
    cache.set('/k/c', 1, row(500));
    expect(cache.peek('/k/b', 1)).toBeUndefined();
    expect(cache.peek('/k/a', 2)).toBeDefined();
    expect(cache.peek('/k/c', 1)).toBeDefined();
    expect(cache.totalBytes).toBeLessThanOrEqual(3_000);
    // A row larger than the whole bound is not kept, and evicts nothing.
    cache.set('/k/huge', 1, row(5_000));
    expect(cache.peek('/k/huge', 1)).toBeUndefined();
    expect(cache.peek('/k/c', 1)).toBeDefined();
    expect(cache.peek('/k/c', -1)).toBeUndefined();
  });

  it('makes out the oldest rows first through any number of sets, rewrites and evictions', () => {
    const row = { cells: ['"x"'], object: 'o'.repeat(100), wholeSeconds: true };
    const cache = new RowCache(10_000);
    // Keys of one length: every row costs the same.
    const key = (n: number): string => `/k/${String(n).padStart(6, '0')}`;
    cache.set('/k/probe0', 1, row);
    const perRow = cache.totalBytes;
    const held = Math.floor(10_000 / perRow);
    // The newest `held` of every key set (a rewrite moves its key to the newest), as a list kept in order.
    const order: string[] = [];
    const set = (key: string, rv: number): void => {
      cache.set(key, rv, row);
      const at = order.indexOf(key);
      if (at >= 0) order.splice(at, 1);
      order.push(key);
      if (order.length > held) order.splice(0, order.length - held);
    };
    set('/k/probe0', 1);
    for (let i = 0; i < 40 * held; i++) {
      set(key(i), 1);
      // Every seventh set rewrites a row still held, and every thirteenth one already made out.
      if (i % 7 === 0) set(key(i - Math.floor(held / 2)), 2);
      if (i % 13 === 0) set(key(i - 3 * held), 3);
      if (i % 97 === 0 || i === 40 * held - 1) {
        const kept = order.filter((k) => cache.peek(k, 1) ?? cache.peek(k, 2) ?? cache.peek(k, 3));
        expect(kept).toEqual(order);
        expect(cache.totalBytes).toBe(order.length * perRow);
      }
    }
  });

  it('says whether the rows of a list fit, from the mean size of the rows it holds; rows not to remember are made all the same', () => {
    const cache = new RowCache(100_000);
    // Empty: a row is taken as 1 KB.
    expect(cache.fits(97)).toBe(true);
    expect(cache.fits(98)).toBe(false);
    const row = (n: number) => ({ cells: ['"x"'], object: 'o'.repeat(n), wholeSeconds: true });
    for (let i = 0; i < 10; i++) cache.set(`/k/${i}`, 1, row(2_000));
    const perRow = cache.totalBytes / 10;
    expect(cache.fits(Math.floor(100_000 / perRow))).toBe(true);
    expect(cache.fits(Math.floor(100_000 / perRow) + 1)).toBe(false);

    const made = rowOf(version, 'None', '/k/h', 1, JSON.stringify(flunder('h', 'x')), false);
    expect(made.cells).toContain('"x"');
    expect(rowCacheFor(version, 'None').peek('/k/h', 1)).toBeUndefined();
  });
});
