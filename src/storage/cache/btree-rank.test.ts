import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { rank } from './btree-rank.js';

const require = createRequire(import.meta.url);
const { default: BTree } = require('sorted-btree') as typeof import('sorted-btree');
const { bulkLoad } = require('sorted-btree/extended/bulkLoad') as typeof import('sorted-btree/extended/bulkLoad.js');

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const key = (i: number): string => `/g/things/ns/o${String(i).padStart(6, '0')}`;

/** A pseudo-random sequence, the same on every run. */
function numbers(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s;
  };
}

/** Checks `rank` against counting with forRange, for keys in the tree, between them, and past both ends. */
function expectRanks(tree: import('sorted-btree').default<string, number>, probes: string[]): void {
  for (const probe of probes) {
    expect(rank(tree, probe, compare), probe).toBe(tree.forRange('', probe, false));
  }
}

describe('rank', () => {
  it('counts the keys before any key, as a scan does, on trees built by every operation the index uses', () => {
    const next = numbers(7);
    const probes = ['', '/g/', '/g/things/ns/o', '/g/things/ns/o\uffff', '\uffff'];
    for (let i = 0; i < 20_000; i += 997) probes.push(key(i), `${key(i)}a`);

    // Bulk-loaded, as at start-up: a tree of several levels.
    const loaded = Array.from({ length: 20_000 }, (_, i) => key(i));
    const tree = bulkLoad(
      loaded,
      loaded.map((_, i) => i),
      64,
      compare,
    );
    expect(tree.height).toBeGreaterThanOrEqual(2);
    expectRanks(tree, probes);

    // A clone taken for a list, then writes to the tree: each keeps its own counts.
    const view = tree.clone();
    for (let n = 0; n < 5_000; n++) {
      const i = next() % 25_000;
      if (next() % 3 === 0) tree.delete(key(i));
      else tree.set(n % 2 ? key(i) : `${key(i)}a`, n);
    }
    expectRanks(tree, probes);
    expectRanks(view, probes);
    expect(view.size).toBe(20_000);

    // Emptied by deletes, and grown from empty by sets.
    const grown = new BTree<string, number>(undefined, compare, 64);
    expectRanks(grown, probes);
    for (let n = 0; n < 3_000; n++) grown.set(key(next() % 20_000), n);
    expectRanks(grown, probes);
    for (const k of grown.keysArray()) grown.delete(k);
    expectRanks(grown, probes);
  });
});
