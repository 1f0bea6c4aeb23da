import { describe, expect, it } from 'vitest';
import { keyElement, makePath, type Path, pathToString, valueElement } from './path.js';
import { FieldSet, makeSet, newSet, SetBuilder } from './set.js';

const P = makePath;
const nameFirst = keyElement({ name: 'first' });
const strings = (s: FieldSet) => [...s.paths()].map(pathToString);

describe('FieldSet (set_test.go)', () => {
  it('has what was inserted, and never the empty path', () => {
    const s = newSet(P('a'), P('b', nameFirst, 'c'), P('d', 0), P('e', valueElement('x')));
    for (const p of [P('a'), P('b', nameFirst, 'c'), P('d', 0), P('e', valueElement('x'))]) expect(s.has(p)).toBe(true);
    for (const p of [P('b'), P('b', nameFirst), P('d', 1), P('e', valueElement('y')), P('z'), P()]) expect(s.has(p)).toBe(false);
    expect(newSet(P()).empty()).toBe(true);
  });

  it('iterates a node’s members before its children, each in PathElement order', () => {
    const s = newSet(P('b', 'x'), P('b'), P('a'), P(0), P(nameFirst), P('b', nameFirst));
    expect(strings(s)).toEqual(['.a', '.b', '[name="first"]', '[0]', '.b.x', '.b[name="first"]']);
    expect(s.size()).toBe(6);
  });

  it('equals compares members and children', () => {
    expect(newSet(P('a', 'b'), P('c')).equals(newSet(P('c'), P('a', 'b')))).toBe(true);
    expect(newSet(P('a', 'b')).equals(newSet(P('a')))).toBe(false);
    expect(newSet(P('a', 'b')).equals(newSet(P('a', 'c')))).toBe(false);
  });

  it('union', () => {
    const got = newSet(P('a'), P('b', 'c'), P('d', 0)).union(newSet(P('a', 'x'), P('b', 'e'), P('d', 0)));
    expect(got.equals(newSet(P('a'), P('a', 'x'), P('b', 'c'), P('b', 'e'), P('d', 0)))).toBe(true);
  });

  // One input that reaches every branch, as TestSetIntersectionDifference.
  const s1 = newSet(
    P('a0'),
    P('a1'),
    P('foo', 0),
    P('foo', 1),
    P('b0', nameFirst),
    P('b1', nameFirst),
    P('bar', 'c0'),
    P('cp', nameFirst, 'child'),
  );
  const s2 = newSet(P('a1'), P('a2'), P('foo', 1), P('foo', 2), P('b1', nameFirst), P('b2', nameFirst), P('bar', 'c2'), P('cp', nameFirst));
  it('intersection', () => {
    expect(strings(s1.intersection(s2))).toEqual(strings(newSet(P('a1'), P('foo', 1), P('b1', nameFirst))));
  });
  it('difference both ways', () => {
    expect(s1.difference(s2).equals(newSet(P('a0'), P('foo', 0), P('b0', nameFirst), P('bar', 'c0'), P('cp', nameFirst, 'child')))).toBe(
      true,
    );
    expect(s2.difference(s1).equals(newSet(P('a2'), P('foo', 2), P('b2', nameFirst), P('bar', 'c2'), P('cp', nameFirst)))).toBe(true);
  });

  const differences: [string, Path[], Path[], Path[], Path[]][] = [
    ['removes simple path', [P('a')], [P('a')], [], []],
    ['removes direct path', [P('a', 'b', 'c')], [P('a', 'b', 'c')], [], []],
    ['only removes matching child', [P('a', 'b', 'c'), P('b', 'b', 'c')], [P('a', 'b', 'c')], [P('b', 'b', 'c')], [P('b', 'b', 'c')]],
    ['does not remove parent of specific path', [P('a')], [P('a', 'aa')], [P('a')], [P('a')]],
    ['RecursiveDifference removes nested path', [P('a', 'b', 'c')], [P('a')], [P('a', 'b', 'c')], []],
    [
      'RecursiveDifference only removes nested path for matching children',
      [P('a', 'aa', 'aab'), P('a', 'ab', 'aba')],
      [P('a', 'aa')],
      [P('a', 'aa', 'aab'), P('a', 'ab', 'aba')],
      [P('a', 'ab', 'aba')],
    ],
  ];
  it.each(differences)('%s', (_name, a, b, difference, recursive) => {
    expect(strings(newSet(...a).difference(newSet(...b)))).toEqual(strings(newSet(...difference)));
    expect(strings(newSet(...a).recursiveDifference(newSet(...b)))).toEqual(strings(newSet(...recursive)));
  });

  const leaves: [string, Path[], Path[]][] = [
    ['empty set', [], []],
    ['all leaves', [P('path1'), P('path2')], [P('path1'), P('path2')]],
    ['only one leaf', [P('root'), P('root', 'l1'), P('root', 'l1', 'l2')], [P('root', 'l1', 'l2')]],
    [
      'map-list item and its fields',
      [P('root', nameFirst), P('root', nameFirst, 'name'), P('root', nameFirst, 'value', 'b'), P('root', nameFirst, 'value', 'b', 'd')],
      [P('root', nameFirst, 'name'), P('root', nameFirst, 'value', 'b', 'd')],
    ],
  ];
  it.each(leaves)('leaves: %s', (_name, input, expected) => {
    expect(strings(newSet(...input).leaves())).toEqual(strings(newSet(...expected)));
  });

  it('is not changed by operations on it', () => {
    const a = newSet(P('a', 'b'), P('c'));
    a.union(newSet(P('a', 'z'))).difference(newSet(P('c')));
    expect(strings(a)).toEqual(['.c', '.a.b']);
  });

  it('a child with nothing below it does not make a set non-empty', () => {
    expect(makeSet([], [{ pathElement: P('a')[0]!, set: FieldSet.EMPTY }]).empty()).toBe(true);
    expect(new SetBuilder().insert(P('a')).build().empty()).toBe(false);
  });

  it('makeSet keeps one of repeated members and the last of repeated children', () => {
    const s = makeSet(P('b', 'a', 'b'), [
      { pathElement: P('x')[0]!, set: newSet(P('one')) },
      { pathElement: P('x')[0]!, set: newSet(P('two')) },
    ]);
    expect(strings(s)).toEqual(['.a', '.b', '.x.two']);
  });
});
