/** The updater on set and map lists, with several appliers: cases modelled on merge/set_test.go, key_test.go and multiple_appliers_test.go. */
import { describe } from 'vitest';
import { type Case, keyed, nested, runCases, sets } from './testing/updater-harness.js';

const cases: Case[] = [
  // merge/set_test.go
  {
    name: 'set: apply twice adds items',
    atom: sets,
    ops: [
      { apply: 'default', object: { list: ['a', 'c'] } },
      { apply: 'default', object: { list: ['a', 'b', 'c', 'd'] } },
    ],
    object: { list: ['a', 'b', 'c', 'd'] },
    managers: { 'default@v1': ['.list[="a"]', '.list[="b"]', '.list[="c"]', '.list[="d"]'] },
  },
  {
    name: 'set: apply, update, apply without overlap keeps the updater items in place',
    atom: sets,
    ops: [
      { apply: 'default', object: { list: ['a', 'c'] } },
      { update: 'controller', object: { list: ['a', 'b', 'c', 'd'] } },
      { apply: 'default', object: { list: ['a', 'aprime', 'c', 'cprime'] } },
    ],
    object: { list: ['a', 'b', 'aprime', 'c', 'd', 'cprime'] },
    managers: {
      'default@v1': ['.list[="a"]', '.list[="aprime"]', '.list[="c"]', '.list[="cprime"]'],
      'controller@v1 (update)': ['.list[="b"]', '.list[="d"]'],
    },
  },
  {
    name: 'set: an applier may share an item with an updater (no conflict on set items)',
    atom: sets,
    ops: [
      { apply: 'default', object: { list: ['a', 'c'] } },
      { update: 'controller', object: { list: ['a', 'b', 'c', 'd'] } },
      { apply: 'default', object: { list: ['a', 'b', 'c'] } },
    ],
    object: { list: ['a', 'b', 'c', 'd'] },
    managers: {
      'default@v1': ['.list[="a"]', '.list[="b"]', '.list[="c"]'],
      'controller@v1 (update)': ['.list[="b"]', '.list[="d"]'],
    },
  },
  {
    name: 'set: the updater in another version keeps its items in its version',
    atom: sets,
    ops: [
      { apply: 'default', object: { list: ['a', 'c'] } },
      { update: 'controller', object: { items: ['a', 'b', 'c', 'd'] }, version: 'v2' },
      { apply: 'default', object: { list: ['a', 'b', 'c'] } },
    ],
    object: { list: ['a', 'b', 'c', 'd'] },
    managers: {
      'default@v1': ['.list[="a"]', '.list[="b"]', '.list[="c"]'],
      'controller@v2 (update)': ['.items[="b"]', '.items[="d"]'],
    },
  },
  {
    name: 'set: apply twice reorders',
    atom: sets,
    ops: [
      { apply: 'default', object: { list: ['a', 'b', 'c', 'd'] } },
      { apply: 'default', object: { list: ['a', 'd', 'c', 'b'] } },
    ],
    object: { list: ['a', 'd', 'c', 'b'] },
    managers: { 'default@v1': ['.list[="a"]', '.list[="b"]', '.list[="c"]', '.list[="d"]'] },
  },
  {
    name: 'set: an update that only reorders owns nothing, and the applier reorders back',
    atom: sets,
    ops: [
      { apply: 'default', object: { list: ['a', 'b', 'c', 'd'] } },
      { update: 'controller', object: { list: ['a', 'd', 'c', 'b'] } },
      { apply: 'default', object: { list: ['a', 'b', 'c', 'd'] } },
    ],
    object: { list: ['a', 'b', 'c', 'd'] },
    managers: { 'default@v1': ['.list[="a"]', '.list[="b"]', '.list[="c"]', '.list[="d"]'] },
  },
  {
    name: 'set: apply twice removes what is no longer applied',
    atom: sets,
    ops: [
      { apply: 'default', object: { list: ['a', 'b', 'c', 'd'] } },
      { apply: 'default', object: { list: ['a', 'c'] } },
    ],
    object: { list: ['a', 'c'] },
    managers: { 'default@v1': ['.list[="a"]', '.list[="c"]'] },
  },
  {
    name: 'set: removal across versions',
    atom: sets,
    ops: [
      { apply: 'default', object: { list: ['a', 'b', 'c', 'd'] } },
      { apply: 'default', object: { items: ['a', 'c', 'e'] }, version: 'v2' },
    ],
    object: { list: ['a', 'c', 'e'] },
    managers: { 'default@v2': ['.items[="a"]', '.items[="c"]', '.items[="e"]'] },
  },
  {
    name: 'set: an item another applier also applies survives the first one dropping it',
    atom: sets,
    ops: [
      { apply: 'one', object: { list: ['a', 'b'] } },
      { apply: 'two', object: { list: ['b'] } },
      { apply: 'one', object: { list: ['a'] } },
    ],
    object: { list: ['a', 'b'] },
    managers: { 'one@v1': ['.list[="a"]'], 'two@v1': ['.list[="b"]'] },
  },
  {
    name: 'set: pruning every field leaves null, as upstream RemoveItems does',
    atom: sets,
    ops: [
      { apply: 'default', object: { list: ['a'] } },
      { apply: 'default', object: {} },
    ],
    object: null,
    managers: {},
  },
  // merge/key_test.go, multiple_appliers_test.go
  {
    name: 'map list: items merge by key, the applier owns the keys and fields it sent',
    atom: keyed,
    ops: [
      { apply: 'default', object: { list: [{ name: 'a', value: 1 }] } },
      {
        apply: 'default',
        object: {
          list: [
            { name: 'a', value: 2 },
            { name: 'b', value: 3 },
          ],
        },
      },
    ],
    object: {
      list: [
        { name: 'a', value: 2 },
        { name: 'b', value: 3 },
      ],
    },
    managers: {
      'default@v1': [
        '.list[name="a"]',
        '.list[name="b"]',
        '.list[name="a"].name',
        '.list[name="a"].value',
        '.list[name="b"].name',
        '.list[name="b"].value',
      ],
    },
  },
  {
    name: 'map list: two appliers own different fields of one item',
    atom: keyed,
    ops: [
      { apply: 'one', object: { list: [{ name: 'a', value: 1 }] } },
      { apply: 'two', object: { list: [{ name: 'a', other: 'x' }] } },
    ],
    object: { list: [{ name: 'a', value: 1, other: 'x' }] },
    managers: {
      'one@v1': ['.list[name="a"]', '.list[name="a"].name', '.list[name="a"].value'],
      'two@v1': ['.list[name="a"]', '.list[name="a"].name', '.list[name="a"].other'],
    },
  },
  {
    name: 'map list: an item both appliers apply stays when one drops it, without that one\u2019s field',
    atom: keyed,
    ops: [
      { apply: 'one', object: { list: [{ name: 'a', value: 1 }] } },
      { apply: 'two', object: { list: [{ name: 'a', other: 'x' }] } },
      // An empty list owns nothing (ToFieldSet), so `one` is left with nothing and dropped.
      { apply: 'one', object: { list: [] } },
    ],
    object: { list: [{ name: 'a', other: 'x' }] },
    managers: {
      'two@v1': ['.list[name="a"]', '.list[name="a"].name', '.list[name="a"].other'],
    },
  },
  {
    name: 'map list: an item only the applier owned is removed whole',
    atom: keyed,
    ops: [
      {
        apply: 'default',
        object: {
          list: [
            { name: 'a', value: 1 },
            { name: 'b', value: 2 },
          ],
        },
      },
      { apply: 'default', object: { list: [{ name: 'b', value: 2 }] } },
    ],
    object: { list: [{ name: 'b', value: 2 }] },
    managers: { 'default@v1': ['.list[name="b"]', '.list[name="b"].name', '.list[name="b"].value'] },
  },
  {
    name: 'map list: remove_one_keep_one_with_dangling_subitem (the item stays for its other applier)',
    atom: nested,
    ops: [
      { apply: 'apply-one', object: { listOfLists: [{ name: 'a' }, { name: 'b', value: ['c'] }] } },
      { apply: 'apply-two', object: { listOfLists: [{ name: 'b', value: ['d'] }] } },
      { update: 'controller', object: { listOfLists: [{ name: 'a' }, { name: 'b', value: ['c', 'd', 'e'] }] } },
      { apply: 'apply-one', object: { listOfLists: [{ name: 'a' }] } },
    ],
    object: { listOfLists: [{ name: 'a' }, { name: 'b', value: ['d', 'e'] }] },
    managers: {
      'apply-one@v1': ['.listOfLists[name="a"]', '.listOfLists[name="a"].name'],
      'apply-two@v1': ['.listOfLists[name="b"]', '.listOfLists[name="b"].name', '.listOfLists[name="b"].value[="d"]'],
      'controller@v1 (update)': ['.listOfLists[name="b"].value[="e"]'],
    },
  },
  {
    name: 'map list: remove_one_with_dangling_subitem_keep_one (the applier\u2019s item goes, updater fields and all)',
    atom: nested,
    ops: [
      { apply: 'apply-one', object: { listOfLists: [{ name: 'a' }, { name: 'b', value: ['c'] }] } },
      { apply: 'apply-two', object: { listOfLists: [{ name: 'a', value: ['b'] }] } },
      {
        update: 'controller',
        object: {
          listOfLists: [
            { name: 'a', value: ['b'] },
            { name: 'b', value: ['c', 'd'] },
          ],
        },
      },
      { apply: 'apply-one', object: { listOfLists: [{ name: 'a' }] } },
    ],
    object: { listOfLists: [{ name: 'a', value: ['b'] }] },
    managers: {
      'apply-one@v1': ['.listOfLists[name="a"]', '.listOfLists[name="a"].name'],
      'apply-two@v1': ['.listOfLists[name="a"]', '.listOfLists[name="a"].name', '.listOfLists[name="a"].value[="b"]'],
    },
  },
  {
    name: 'map list: nested maps in items merge field by field',
    atom: keyed,
    ops: [
      { apply: 'one', object: { list: [{ name: 'a', nested: { a: 'x' } }] } },
      { apply: 'two', object: { list: [{ name: 'a', nested: { b: 'y' } }] } },
    ],
    object: { list: [{ name: 'a', nested: { a: 'x', b: 'y' } }] },
    managers: {
      'one@v1': ['.list[name="a"]', '.list[name="a"].name', '.list[name="a"].nested.a'],
      'two@v1': ['.list[name="a"]', '.list[name="a"].name', '.list[name="a"].nested.b'],
    },
  },
];

describe('updater (merge/set, key, multiple_appliers)', () => {
  runCases(cases);
});
