import { describe, expect, it } from 'vitest';
import { applyJSONPatch, type PatchOperation, TestFailed } from './json-patch.js';

const doc = () => ({ metadata: { labels: { x: '1' } }, spec: { list: ['a', 'b', 'c'], n: 1 } });

describe('applyJSONPatch (evanphx/json-patch v4)', () => {
  it.each<[string, PatchOperation[], unknown]>([
    ['add a key', [{ op: 'add', path: '/metadata/labels/y', value: '2' }], { ...doc(), metadata: { labels: { x: '1', y: '2' } } }],
    ['add to the end', [{ op: 'add', path: '/spec/list/-', value: 'd' }], { ...doc(), spec: { list: ['a', 'b', 'c', 'd'], n: 1 } }],
    // Counted from the end of the list one item longer: -2 is before the last item.
    [
      'add at a negative index',
      [{ op: 'add', path: '/spec/list/-2', value: 'z' }],
      { ...doc(), spec: { list: ['a', 'b', 'z', 'c'], n: 1 } },
    ],
    ['replace a missing key adds it', [{ op: 'replace', path: '/spec/m', value: 2 }], { ...doc(), spec: { ...doc().spec, m: 2 } }],
    ['remove an item', [{ op: 'remove', path: '/spec/list/1' }], { ...doc(), spec: { list: ['a', 'c'], n: 1 } }],
    [
      'move a key',
      [{ op: 'move', from: '/metadata/labels/x', path: '/metadata/labels/z' }],
      { ...doc(), metadata: { labels: { z: '1' } } },
    ],
    [
      'copy an item',
      [{ op: 'copy', from: '/spec/list/0', path: '/spec/list/-' }],
      { ...doc(), spec: { list: ['a', 'b', 'c', 'a'], n: 1 } },
    ],
    [
      'pass a test',
      [
        { op: 'test', path: '/spec/n', value: 1 },
        { op: 'replace', path: '/spec/n', value: 3 },
      ],
      { ...doc(), spec: { ...doc().spec, n: 3 } },
    ],
  ])('%s', (_, ops, want) => {
    const original = doc();
    expect(applyJSONPatch(original, ops)).toEqual(want);
    expect(original).toEqual(doc());
  });

  it.each<[PatchOperation, string]>([
    [
      { op: 'replace', path: '/spec/list/-', value: 'x' },
      'replace operation does not apply: doc is missing key: /spec/list/-: missing value',
    ],
    [{ op: 'add', path: '/spec/nope/x', value: 1 }, 'add operation does not apply: doc is missing path: "/spec/nope/x": missing value'],
    [
      { op: 'add', path: '/spec/list/9', value: 1 },
      "error in add for path: '/spec/list/9': Unable to access invalid index: 9: invalid index referenced",
    ],
    [
      { op: 'add', path: '/spec/list/x', value: 1 },
      `error in add for path: '/spec/list/x': value was not a proper array index: 'x': strconv.Atoi: parsing "x": invalid syntax`,
    ],
    [{ op: 'remove', path: '/spec/nope' }, "error in remove for path: '/spec/nope': Unable to remove nonexistent key: nope: missing value"],
    [{ op: 'move', path: '/spec/a' }, 'move operation failed to decode from: operation, missing from field: missing value'],
    [{ op: 'copy', from: '/x/y', path: '/spec/a' }, 'copy operation does not apply: doc is missing from path: /x/y: missing value'],
    [{ op: 'frobnicate', path: '/spec' }, 'Unexpected kind: frobnicate'],
  ])('refuses %j', (op, message) => {
    expect(() => applyJSONPatch(doc(), [op])).toThrow(new Error(message));
  });

  it('reports a failed test apart', () => {
    expect(() => applyJSONPatch(doc(), [{ op: 'test', path: '/spec/n', value: 2 }])).toThrow(TestFailed);
  });
});
