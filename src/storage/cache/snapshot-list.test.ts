import { describe, expect, it } from 'vitest';
import type { Selection } from './object-index.js';
import { CHUNK, ChunkReader } from './snapshot-list.js';

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
