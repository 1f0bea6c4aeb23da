import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../apimachinery/types.js';
import { builtinDefinitionsPath, loadDefinitions } from '../../registry/definitions/load.js';
import { wardleCodeStrategies } from '../../registry/wardle/index.js';
import { cachedRow } from './row-cache.js';
import { rowCells, tableForObjects } from './table.js';

describe('the Table row cache', async () => {
  const builtin = builtinDefinitionsPath();
  const [flunders] = await loadDefinitions([builtin], new Map([[builtin, wardleCodeStrategies()]]));
  const version = flunders!.versions[0]!;
  const flunder = (name: string, reference: string): KubeObject => ({
    apiVersion: 'wardle.example.com/v1alpha1',
    kind: 'Flunder',
    metadata: { name, namespace: 'ns', uid: `u-${name}`, resourceVersion: '7', creationTimestamp: '2026-11-30T10:00:00Z' },
    spec: { reference, referenceType: 'Flunder' },
  });

  it('gives the rows the Table of the parsed objects has, for every includeObject', () => {
    const objects = [flunder('a', 'x'), flunder('b', 'y')];
    for (const includeObject of ['Metadata', 'None', 'Object']) {
      const expected = tableForObjects(objects, version, { includeObject }).rows;
      const now = Date.now();
      const rows = objects.map((o) => {
        const row = cachedRow(version, includeObject, JSON.stringify(o));
        return { cells: rowCells(row, now), object: JSON.parse(row.object) };
      });
      expect(rows).toEqual(expected);
    }
  });

  it('parses a stored text once, and a new text (a write) again', () => {
    const raw = JSON.stringify(flunder('c', 'x'));
    const first = cachedRow(version, 'Metadata', raw);
    expect(cachedRow(version, 'Metadata', raw)).toBe(first);
    const written = cachedRow(version, 'Metadata', JSON.stringify(flunder('c', 'changed')));
    expect(written).not.toBe(first);
    expect(written.cells).toContain('changed');
  });

  it('renders ages when the Table is written, not when the row was cached', () => {
    const row = cachedRow(version, 'Metadata', JSON.stringify(flunder('d', 'x')));
    const created = Date.parse('2026-11-30T10:00:00Z');
    expect(rowCells(row, created + 5 * 60_000).at(-1)).toBe('5m');
    expect(rowCells(row, created + 3 * 3600_000).at(-1)).toBe('3h');
  });
});
