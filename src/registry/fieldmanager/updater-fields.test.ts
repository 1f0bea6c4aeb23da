/** The updater on scalars, atomic and granular maps and versions: cases modelled on merge/leaf_test.go, nested_test.go and obsolete_versions_test.go. */
import { describe } from 'vitest';
import { newSet } from './set.js';
import { type Case, leaves, runCases } from './testing/updater-harness.js';

const cases: Case[] = [
  // merge/leaf_test.go, nested_test.go
  {
    name: 'leaf: an update takes a field from the applier without conflict',
    atom: leaves,
    ops: [
      { apply: 'default', object: { numeric: 1, string: 'a' } },
      { update: 'controller', object: { numeric: 2, string: 'a' } },
    ],
    object: { numeric: 2, string: 'a' },
    managers: { 'default@v1': ['.string'], 'controller@v1 (update)': ['.numeric'] },
  },
  {
    name: 'leaf: applying the same value as another applier shares the field',
    atom: leaves,
    ops: [
      { apply: 'one', object: { numeric: 1 } },
      { apply: 'two', object: { numeric: 1, string: 'b' } },
    ],
    object: { numeric: 1, string: 'b' },
    managers: { 'one@v1': ['.numeric'], 'two@v1': ['.numeric', '.string'] },
  },
  {
    name: 'leaf: forcing takes the field from the other applier',
    atom: leaves,
    ops: [
      { apply: 'one', object: { numeric: 1, string: 'a' } },
      { apply: 'two', object: { numeric: 2 }, force: true },
    ],
    object: { numeric: 2, string: 'a' },
    managers: { 'one@v1': ['.string'], 'two@v1': ['.numeric'] },
  },
  {
    name: 'leaf: a forced apply leaves the loser with nothing, and the loser is dropped',
    atom: leaves,
    ops: [
      { apply: 'one', object: { numeric: 1 } },
      { apply: 'two', object: { numeric: 2 }, force: true },
    ],
    object: { numeric: 2 },
    managers: { 'two@v1': ['.numeric'] },
  },
  {
    name: 'leaf: a field the applier stops applying is removed',
    atom: leaves,
    ops: [
      { apply: 'default', object: { numeric: 1, string: 'a', bool: true } },
      { apply: 'default', object: { string: 'a' } },
    ],
    object: { string: 'a' },
    managers: { 'default@v1': ['.string'] },
  },
  {
    name: 'leaf: a field an updater changed since is not removed when the applier drops it',
    atom: leaves,
    ops: [
      { apply: 'default', object: { numeric: 1, string: 'a' } },
      { update: 'controller', object: { numeric: 5, string: 'a' } },
      { apply: 'default', object: { string: 'a' } },
    ],
    object: { numeric: 5, string: 'a' },
    managers: { 'default@v1': ['.string'], 'controller@v1 (update)': ['.numeric'] },
  },
  {
    name: 'leaf: an update removing a field takes it from everyone',
    atom: leaves,
    ops: [
      { apply: 'default', object: { numeric: 1, string: 'a' } },
      { update: 'controller', object: { string: 'a' } },
    ],
    object: { string: 'a' },
    managers: { 'default@v1': ['.string'] },
  },
  {
    name: 'nested: granular maps merge and each applier owns its leaves',
    atom: leaves,
    ops: [
      { apply: 'one', object: { spec: { a: 'x', inner: { x: '1' } } } },
      { apply: 'two', object: { spec: { b: 'y', inner: { y: '2' } } } },
    ],
    object: { spec: { a: 'x', inner: { x: '1', y: '2' }, b: 'y' } },
    managers: { 'one@v1': ['.spec.a', '.spec.inner.x'], 'two@v1': ['.spec.b', '.spec.inner.y'] },
  },
  {
    name: 'nested: dropping a whole map removes only the applier\u2019s leaves',
    atom: leaves,
    ops: [
      { apply: 'one', object: { spec: { a: 'x', inner: { x: '1' } } } },
      { apply: 'two', object: { spec: { inner: { y: '2' } } } },
      { apply: 'one', object: { string: 's' } },
    ],
    object: { spec: { inner: { y: '2' } }, string: 's' },
    managers: { 'one@v1': ['.string'], 'two@v1': ['.spec.inner.y'] },
  },
  {
    name: 'nested: an applied empty map is owned as a field',
    atom: leaves,
    ops: [{ apply: 'default', object: { spec: {} } }],
    object: { spec: {} },
    managers: { 'default@v1': ['.spec'] },
  },
  {
    name: 'atomic list: replaced whole by the applier and owned as one field',
    atom: leaves,
    ops: [
      { update: 'controller', object: { atomicList: ['a', 'b'] } },
      { apply: 'default', object: { atomicList: ['c'] }, force: true },
    ],
    object: { atomicList: ['c'] },
    managers: { 'default@v1': ['.atomicList'] },
  },
  {
    name: 'atomic map: replaced whole, not merged',
    atom: leaves,
    ops: [
      { apply: 'one', object: { atomicMap: { a: 'x' } } },
      { apply: 'one', object: { atomicMap: { b: 'y' } } },
    ],
    object: { atomicMap: { b: 'y' } },
    managers: { 'one@v1': ['.atomicMap'] },
  },
  {
    name: 'additionalProperties: each key owned, removed keys pruned',
    atom: leaves,
    ops: [
      { apply: 'one', object: { labels: { a: '1', b: '2' } } },
      { apply: 'two', object: { labels: { c: '3' } } },
      { apply: 'one', object: { labels: { a: '1' } } },
    ],
    object: { labels: { a: '1', c: '3' } },
    managers: { 'one@v1': ['.labels.a'], 'two@v1': ['.labels.c'] },
  },
  {
    name: 'preserve-unknown-fields: deduced maps are granular',
    atom: leaves,
    ops: [
      { apply: 'one', object: { unknown: { deep: { a: 1 } } } },
      { apply: 'two', object: { unknown: { deep: { b: 2 } } } },
    ],
    object: { unknown: { deep: { a: 1, b: 2 } } },
    managers: { 'one@v1': ['.unknown.deep', '.unknown.deep.a'], 'two@v1': ['.unknown.deep', '.unknown.deep.b'] },
  },
  // merge/obsolete_versions_test.go
  {
    name: 'obsolete version: a manager in a version no longer served is dropped',
    atom: leaves,
    start: {
      live: { numeric: 1 },
      managers: new Map([['old', { set: newSet([{ fieldName: 'numeric' }]), apiVersion: 'v0', applied: true }]]),
    },
    ops: [{ apply: 'new', object: { string: 'a' } }],
    object: { numeric: 1, string: 'a' },
    managers: { 'new@v1': ['.string'] },
  },
];

describe('updater (merge/leaf, nested, obsolete_versions)', () => {
  runCases(cases);
});
