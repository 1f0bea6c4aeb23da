import { describe, expect, it } from 'vitest';
import type { VersionDefinition } from '../../registry/definitions/types.js';
import { evaluate } from '../jsonpath/jsonpath.js';
import { humanDuration } from './human-duration.js';
import { tableForObjects } from './table.js';

const version = (columns: VersionDefinition['additionalPrinterColumns']): VersionDefinition => ({
  name: 'v1',
  served: true,
  storage: true,
  deprecated: false,
  additionalPrinterColumns: columns,
  selectableFields: [],
  subresources: { status: false },
});
const obj = {
  apiVersion: 'g/v1',
  kind: 'W',
  metadata: { name: 'w1', creationTimestamp: new Date(Date.now() - 300_000).toISOString() },
  spec: { replicas: 3, ready: true, tags: ['a', 'b'] },
  status: {
    conditions: [
      { type: 'Ready', status: 'True' },
      { type: 'Synced', status: 'False' },
    ],
  },
};

describe('jsonpath', () => {
  it.each([
    ['.spec.replicas', [3]],
    ['{.spec.tags[1]}', ['b']],
    ['.spec.tags[*]', ['a', 'b']],
    ['.status.conditions[?(@.type=="Ready")].status', ['True']],
    ['.spec.missing', []],
    ['.metadata.name', ['w1']],
  ])('%s', (path, want) => {
    expect(evaluate(obj, path)).toEqual(want);
  });
});

describe('tableForObjects', () => {
  it('gives Name and Age when the definition declares no columns', () => {
    const t = tableForObjects([obj], version([]), {});
    expect(t.columnDefinitions?.map((c) => c.name)).toEqual(['Name', 'Age']);
    expect(t.rows[0]?.cells).toEqual(['w1', '5m']);
    expect(t.rows[0]?.object).toEqual({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata });
  });

  it('types cells by column and honours priority, includeObject and noHeaders', () => {
    const t = tableForObjects(
      [obj],
      version([
        { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas', priority: 0 },
        { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status', priority: 1 },
        { name: 'Missing', type: 'string', jsonPath: '.spec.nothing', priority: 0 },
      ]),
      { includeObject: 'None' },
    );
    expect(t.columnDefinitions?.map((c) => `${c.name}:${c.priority}`)).toEqual(['Name:0', 'Replicas:0', 'Ready:1', 'Missing:0']);
    // A column the definition does not describe gets apiextensions-apiserver's description.
    expect(t.columnDefinitions?.[1]?.description).toBe('Custom resource definition column (in JSONPath format): .spec.replicas');
    expect(t.rows[0]).toEqual({ cells: ['w1', 3, 'True', null], object: null });
    expect(tableForObjects([obj], version([]), { noHeaders: true, includeObject: 'Object' })).toMatchObject({
      columnDefinitions: null,
      rows: [{ object: obj }],
    });
    expect(() => tableForObjects([obj], version([]), { includeObject: 'All' })).toThrow(/Unsupported value/);
  });

  it.each([
    [5_000, '5s'],
    [150_000, '2m30s'],
    [3_600_000, '60m'],
    [5 * 3_600_000, '5h'],
    [30 * 3_600_000, '30h'],
    [3 * 86_400_000, '3d'],
    [800 * 86_400_000, '2y70d'],
  ])('humanDuration(%d) = %s', (ms, want) => {
    expect(humanDuration(ms)).toBe(want);
  });
});
