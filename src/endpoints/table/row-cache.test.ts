import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../apimachinery/types.js';
import { builtinDefinitionsPath, loadDefinitions } from '../../registry/definitions/load.js';
import { wardleCodeStrategies } from '../../registry/wardle/index.js';
import { cellsJson, peekRow, rowOf } from './row-cache.js';
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
    expect(peekRow(version, 'Metadata', '/k/d', 1)).toBe(first);
    expect(peekRow(version, 'Metadata', '/k/d', 2)).toBeUndefined();
    const written = rowOf(version, 'Metadata', '/k/d', 2, JSON.stringify(flunder('d', 'changed')));
    expect(written).not.toBe(first);
    expect(written.cells).toContain('"changed"');
    expect(peekRow(version, 'Metadata', '/k/d', 1)).toBeUndefined();
    // A body of unknown resourceVersion (from the history) is rendered, never cached.
    const unknown = rowOf(version, 'Metadata', '/k/d', -1, JSON.stringify(flunder('d', 'older')));
    expect(unknown.cells).toContain('"older"');
    expect(peekRow(version, 'Metadata', '/k/d', 2)).toBe(written);
  });

  it('renders ages when the Table is written, not when the row was cached', () => {
    const row = rowOf(version, 'Metadata', '/k/e', 1, JSON.stringify(flunder('e', 'x')));
    const created = Date.parse('2026-11-30T10:00:00Z');
    expect(JSON.parse(cellsJson(row, created + 5 * 60_000)).at(-1)).toBe('5m');
    expect(JSON.parse(cellsJson(row, created + 3 * 3600_000)).at(-1)).toBe('3h');
  });
});
