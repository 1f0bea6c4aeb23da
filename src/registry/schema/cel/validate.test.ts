import { describe, expect, it } from 'vitest';
import type { JSONSchemaProps } from '../../definitions/json-schema.js';
import { compileValidations } from './compile.js';
import type { ValidationRule } from './compiled.js';
import { validateRules } from './validate.js';

const int: JSONSchemaProps = { type: 'integer' };
const num: JSONSchemaProps = { type: 'number' };
const str: JSONSchemaProps = { type: 'string' };
const withRules = (s: JSONSchemaProps, ...rules: Array<string | ValidationRule>): JSONSchemaProps => ({
  ...s,
  'x-kubernetes-validations': rules.map((r) => (typeof r === 'string' ? { rule: r } : r)),
});
const obj = (properties: Record<string, JSONSchemaProps>, extra: JSONSchemaProps = {}): JSONSchemaProps => ({
  type: 'object',
  properties,
  ...extra,
});
/** A resource whose spec has the given schema. */
const resource = (spec: JSONSchemaProps): JSONSchemaProps => obj({ spec });
const mapList = (items: JSONSchemaProps, keys = ['name']): JSONSchemaProps => ({
  type: 'array',
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-list-map-keys': keys,
  items,
});

interface Case {
  name: string;
  schema: JSONSchemaProps;
  obj: unknown;
  old?: unknown;
  errors: string[];
  warnings?: string[];
}

const cases: Case[] = [
  // scalars
  { name: 'integer rule passes', schema: resource(obj({ n: withRules(int, 'self > 0') })), obj: { spec: { n: 1 } }, errors: [] },
  {
    name: 'integer rule fails, value printed',
    schema: resource(obj({ n: withRules(int, 'self % 2 == 1') })),
    obj: { spec: { n: 2 } },
    errors: ['spec.n: Invalid value: 2: failed rule: self % 2 == 1'],
  },
  {
    name: 'string rule fails with message',
    schema: resource(obj({ foo: withRules(str, { rule: 'self == "bar"', message: 'gotta be bar' }) })),
    obj: { spec: { foo: 'baz' } },
    errors: ['spec.foo: Invalid value: "baz": gotta be bar'],
  },
  {
    name: 'integers are ints: int arithmetic',
    schema: resource(obj({ n: withRules(int, 'self / 2 == 1', 'type(self) == int') })),
    obj: { spec: { n: 3 } },
    errors: [],
  },
  {
    name: 'numbers are doubles even when written as integers',
    schema: resource(obj({ f: withRules(num, 'self / 2.0 == 1.5', 'type(self) == double') })),
    obj: { spec: { f: 3 } },
    errors: [],
  },
  {
    name: 'int-or-string is dyn',
    schema: resource(
      obj({
        p: withRules({ 'x-kubernetes-int-or-string': true }, "type(self) == int ? self < 5 : double(self.replace('%', '')) < 50.0"),
      }),
    ),
    obj: { spec: { p: '75%' } },
    errors: [`spec.p: Invalid value: "75%": failed rule: type(self) == int ? self < 5 : double(self.replace('%', '')) < 50.0`],
  },
  {
    name: 'int-or-string as int',
    schema: resource(obj({ p: withRules({ 'x-kubernetes-int-or-string': true }, 'type(self) == int && self < 5') })),
    obj: { spec: { p: 3 } },
    errors: [],
  },
  {
    name: 'absent value: rules not evaluated',
    schema: resource(obj({ n: withRules(int, 'self > 100') })),
    obj: { spec: {} },
    errors: [],
  },
  {
    name: 'null value: rules not evaluated',
    schema: resource(obj({ n: withRules({ ...int, nullable: true }, 'self > 100') })),
    obj: { spec: { n: null } },
    errors: [],
  },
  {
    name: 'string functions',
    schema: resource(
      obj({
        s: withRules(
          str,
          "self.lowerAscii() == 'abc,def'",
          "self.split(',') == ['ABC', 'def']",
          "self.upperAscii().substring(4) == 'DEF'",
          "self.indexOf(',') == 3 && self.lastIndexOf('f') == 6",
          "' x '.trim() == 'x' && ['a', 'b'].join('-') == 'a-b'",
          "self.replace(',', ';') == 'ABC;def' && self.charAt(0) == 'A' && 'ab'.reverse() == 'ba'",
          "self.matches('^[A-Z]+,') && self.find('[a-z]+') == 'def' && self.findAll('[A-Z]') == ['A', 'B', 'C']",
        ),
      }),
    ),
    obj: { spec: { s: 'ABC,def' } },
    errors: [],
  },
  {
    name: 'format byte is bytes, date-time a timestamp, duration a duration',
    schema: resource(
      obj({
        b: withRules({ type: 'string', format: 'byte' }, "self == b'hi'"),
        t: withRules({ type: 'string', format: 'date-time' }, "self > timestamp('2020-01-01T00:00:00Z')"),
        d: withRules({ type: 'string', format: 'duration' }, "self < duration('1h')"),
      }),
    ),
    obj: { spec: { b: 'aGk=', t: '2024-05-01T10:00:00Z', d: '30m' } },
    errors: [],
  },
  // objects
  {
    name: 'object rule with has(): omitted value in the error',
    schema: resource(withRules(obj({ a: str, b: str }), 'has(self.a) || has(self.b)')),
    obj: { spec: {} },
    errors: ['spec: Invalid value: failed rule: has(self.a) || has(self.b)'],
  },
  {
    name: 'object rule passes with has()',
    schema: resource(withRules(obj({ a: str, b: str }), 'has(self.a) != has(self.b)')),
    obj: { spec: { a: 'x' } },
    errors: [],
  },
  {
    name: 'optional field access with ?. and orValue',
    schema: resource(withRules(obj({ a: int }), 'self.?a.orValue(5) == 5', 'optional.of(1).hasValue()')),
    obj: { spec: {} },
    errors: [],
  },
  {
    name: 'missing field access is an evaluation error',
    schema: resource(withRules(obj({ a: int }), 'self.a == 1')),
    obj: { spec: {} },
    errors: ['spec: Invalid value: "object": No such key: a evaluating rule: self.a == 1'],
  },
  {
    name: 'division by zero is an evaluation error',
    schema: resource(obj({ n: withRules(int, '10 / self == 1') })),
    obj: { spec: { n: 0 } },
    errors: ['spec.n: Invalid value: "integer": division by zero evaluating rule: 10 / self == 1'],
  },
  {
    name: 'escaped property names',
    schema: resource(
      withRules(
        obj({ 'x-y': int, 'a.b': int, namespace: str }),
        'self.x__dash__y == 1 && self.a__dot__b == 2 && self.__namespace__ == "n"',
      ),
    ),
    obj: { spec: { 'x-y': 1, 'a.b': 2, namespace: 'n' } },
    errors: [],
  },
  {
    name: 'unknown fields (preserve-unknown-fields) are not visible',
    schema: resource(withRules(obj({ a: int }, { 'x-kubernetes-preserve-unknown-fields': true }), '!has(self.a)')),
    obj: { spec: { extra: 1 } },
    errors: [],
  },
  {
    name: 'map with additionalProperties is a CEL map',
    schema: resource(
      obj({ m: withRules({ type: 'object', additionalProperties: int }, "'a' in self && self.all(k, self[k] > 0) && size(self) == 2") }),
    ),
    obj: { spec: { m: { a: 1, b: 2 } } },
    errors: [],
  },
  {
    name: 'rules on map values are keyed',
    schema: resource(
      obj({ m: { type: 'object', additionalProperties: withRules(str, { rule: 'self.size() < 3', message: 'too long' }) } }),
    ),
    obj: { spec: { m: { key: 'value' } } },
    errors: ['spec.m[key]: Invalid value: "value": too long'],
  },
  {
    name: 'root sees apiVersion, kind and metadata.name only',
    schema: withRules(
      obj({ spec: obj({}) }),
      "self.apiVersion == 'v1' && self.kind == 'Widget' && self.metadata.name == 'w' && !has(self.metadata.generateName)",
    ),
    obj: { apiVersion: 'v1', kind: 'Widget', metadata: { name: 'w', namespace: 'ns' }, spec: {} },
    errors: [],
  },
  {
    name: 'root rule failing reports the nil root path',
    schema: withRules(obj({ spec: obj({}) }), "self.metadata.name.startsWith('x')"),
    obj: { metadata: { name: 'w' }, spec: {} },
    errors: ["<nil>: Invalid value: failed rule: self.metadata.name.startsWith('x')"],
  },
  {
    name: 'embedded resource root sees its kind',
    schema: resource(
      obj({ template: withRules({ type: 'object', 'x-kubernetes-embedded-resource': true, properties: {} }, "self.kind == 'Pod'") }),
    ),
    obj: { spec: { template: { apiVersion: 'v1', kind: 'Service', metadata: {} } } },
    errors: ["spec.template: Invalid value: failed rule: self.kind == 'Pod'"],
  },
  // lists
  {
    name: 'list macros',
    schema: resource(
      obj({
        l: withRules(
          { type: 'array', maxItems: 100, items: int },
          'self.all(x, x > 0)',
          'self.exists(x, x == 2)',
          'self.exists_one(x, x == 3)',
          'self.map(x, x * 2) == [2, 4, 6]',
          'self.filter(x, x > 1).size() == 2',
        ),
      }),
    ),
    obj: { spec: { l: [1, 2, 3] } },
    errors: [],
  },
  {
    name: 'list rule fails with omitted value',
    schema: resource(obj({ l: withRules({ type: 'array', items: str }, 'self.all(x, x != "bad")') })),
    obj: { spec: { l: ['ok', 'bad'] } },
    errors: ['spec.l: Invalid value: failed rule: self.all(x, x != "bad")'],
  },
  {
    name: 'Kubernetes list library',
    schema: resource(
      obj({
        l: withRules(
          { type: 'array', items: int },
          'self.isSorted() && self.sum() == 6 && self.min() == 1 && self.max() == 3',
          'self.indexOf(2) == 1 && [1, 2, 1].lastIndexOf(1) == 2 && self.indexOf(9) == -1',
          "['b', 'a'].isSorted() == false && [1.5, 2.5].sum() == 4.0",
        ),
      }),
    ),
    obj: { spec: { l: [1, 2, 3] } },
    errors: [],
  },
  {
    name: 'min of an empty list',
    schema: resource(obj({ l: withRules({ type: 'array', items: int }, 'self.min() == 0') })),
    obj: { spec: { l: [] } },
    errors: ['spec.l: Invalid value: "array": min called on empty list evaluating rule: self.min() == 0'],
  },
  {
    name: 'rules on list items are indexed',
    schema: resource(obj({ l: { type: 'array', items: withRules(int, { rule: 'self % 2 == 1', message: 'gotta be odd' }) } })),
    obj: { spec: { l: [1, 2, 3, 4] } },
    errors: ['spec.l[1]: Invalid value: 2: gotta be odd', 'spec.l[3]: Invalid value: 4: gotta be odd'],
  },
  {
    name: 'objects compare with ==',
    schema: resource(
      withRules(obj({ l: { type: 'array', items: obj({ x: int, y: int }) } }), 'self.l[0] != self.l[1]', 'self.l[0] == self.l[2]'),
    ),
    obj: { spec: { l: [{ x: 1 }, { x: 1, y: 2 }, { x: 1 }] } },
    errors: [],
  },
  // transition rules
  {
    name: 'transition rule not evaluated on create',
    schema: resource(obj({ n: withRules(int, { rule: 'self == oldSelf', message: 'immutable' }) })),
    obj: { spec: { n: 1 } },
    errors: [],
  },
  {
    name: 'transition rule on update',
    schema: resource(obj({ n: withRules(int, { rule: 'self == oldSelf', message: 'immutable' }) })),
    obj: { spec: { n: 2 } },
    old: { spec: { n: 1 } },
    errors: ['spec.n: Invalid value: 2: immutable'],
  },
  {
    name: 'transition rule on object: self == oldSelf',
    schema: resource(withRules(obj({ a: int, b: str }), { rule: 'self == oldSelf', message: 'spec is immutable' })),
    obj: { spec: { a: 1, b: 'x' } },
    old: { spec: { a: 1, b: 'y' } },
    errors: ['spec: Invalid value: spec is immutable'],
  },
  {
    name: 'transition rule not evaluated when the old value is absent',
    schema: resource(obj({ n: withRules(int, 'self >= oldSelf') })),
    obj: { spec: { n: 1 } },
    old: { spec: {} },
    errors: [],
  },
  {
    name: 'map-list items correlate by key',
    schema: resource(obj({ l: mapList(obj({ name: str, v: withRules(int, { rule: 'self >= oldSelf', message: 'may only grow' }) })) })),
    obj: {
      spec: {
        l: [
          { name: 'b', v: 1 },
          { name: 'a', v: 5 },
          { name: 'c', v: 0 },
        ],
      },
    },
    old: {
      spec: {
        l: [
          { name: 'a', v: 6 },
          { name: 'b', v: 1 },
        ],
      },
    },
    errors: ['spec.l[1].v: Invalid value: 5: may only grow'],
  },
  {
    name: 'map-list with composite keys',
    schema: resource(
      obj({
        l: {
          ...mapList(
            withRules(obj({ k1: str, k2: int, v: { ...str, maxLength: 64 } }), { rule: 'self.v == oldSelf.v', message: 'v immutable' }),
            ['k1', 'k2'],
          ),
          maxItems: 100,
        },
      }),
    ),
    obj: {
      spec: {
        l: [
          { k1: 'a', k2: 1, v: 'x' },
          { k1: 'a', k2: 2, v: 'y' },
        ],
      },
    },
    old: { spec: { l: [{ k1: 'a', k2: 2, v: 'z' }] } },
    errors: ['spec.l[1]: Invalid value: v immutable'],
  },
  {
    name: 'map values correlate by key',
    schema: resource(obj({ m: { type: 'object', additionalProperties: withRules(int, { rule: 'self == oldSelf', message: 'fixed' }) } })),
    obj: { spec: { m: { a: 1, b: 3 } } },
    old: { spec: { m: { a: 1, b: 2 } } },
    errors: ['spec.m[b]: Invalid value: 3: fixed'],
  },
  {
    name: 'optionalOldSelf: evaluated on create with oldSelf none',
    schema: resource(
      obj({ n: withRules(int, { rule: 'oldSelf.hasValue() || self == 1', message: 'must start at 1', optionalOldSelf: true }) }),
    ),
    obj: { spec: { n: 2 } },
    errors: ['spec.n: Invalid value: 2: must start at 1'],
  },
  {
    name: 'optionalOldSelf: oldSelf is an optional on update',
    schema: resource(obj({ n: withRules(int, { rule: 'self >= oldSelf.orValue(0)', optionalOldSelf: true }) })),
    obj: { spec: { n: 2 } },
    old: { spec: { n: 3 } },
    errors: ['spec.n: Invalid value: 2: failed rule: self >= oldSelf.orValue(0)'],
  },
  // messages, reasons, field paths
  {
    name: 'messageExpression',
    schema: resource(obj({ n: withRules(int, { rule: 'self < 10', messageExpression: "'must be below 10, got ' + string(self)" }) })),
    obj: { spec: { n: 12 } },
    errors: ['spec.n: Invalid value: 12: must be below 10, got 12'],
  },
  {
    name: 'messageExpression failing falls back to message',
    schema: resource(
      obj({ n: withRules(int, { rule: 'self < 10', message: 'too big', messageExpression: "string(10 / (self - self)) + 'x'" }) }),
    ),
    obj: { spec: { n: 12 } },
    errors: ['spec.n: Invalid value: 12: too big'],
  },
  {
    name: 'messageExpression empty falls back to the default message',
    schema: resource(obj({ n: withRules(int, { rule: 'self < 10', messageExpression: "'  '" }) })),
    obj: { spec: { n: 12 } },
    errors: ['spec.n: Invalid value: 12: failed rule: self < 10'],
  },
  {
    name: 'reason FieldValueForbidden with fieldPath',
    schema: resource(
      withRules(obj({ a: str, b: str }), {
        rule: '!has(self.b)',
        message: 'b not allowed',
        reason: 'FieldValueForbidden',
        fieldPath: '.b',
      }),
    ),
    obj: { spec: { b: 'x' } },
    errors: ['spec.b: Forbidden: b not allowed'],
  },
  {
    name: 'reason FieldValueRequired',
    schema: resource(
      withRules(obj({ a: str }), { rule: 'has(self.a)', message: 'a is needed', reason: 'FieldValueRequired', fieldPath: '.a' }),
    ),
    obj: { spec: {} },
    errors: ['spec.a: Required value: a is needed'],
  },
  {
    name: 'reason FieldValueDuplicate on a scalar',
    schema: resource(obj({ s: withRules(str, { rule: "self != 'dup'", reason: 'FieldValueDuplicate' }) })),
    obj: { spec: { s: 'dup' } },
    errors: ['spec.s: Duplicate value: "dup"'],
  },
  {
    name: 'fieldPath into a map with quoted key',
    schema: resource(
      withRules(obj({ m: { type: 'object', additionalProperties: str } }), { rule: "!('a.b' in self.m)", fieldPath: ".m['a.b']" }),
    ),
    obj: { spec: { m: { 'a.b': 'x' } } },
    errors: ["spec.m[a.b]: Invalid value: failed rule: !('a.b' in self.m)"],
  },
  // ratcheting
  {
    name: 'unchanged invalid value ratchets to a warning on update',
    schema: resource(obj({ n: withRules(int, 'self > 5'), m: withRules(int, 'self > 5') })),
    obj: { spec: { n: 1, m: 2 } },
    old: { spec: { n: 1, m: 3 } },
    errors: ['spec.m: Invalid value: 2: failed rule: self > 5'],
    warnings: ['spec.n: Invalid value: 1: failed rule: self > 5'],
  },
];

describe('validateRules', () => {
  it.each(cases)('$name', (c) => {
    const warnings: string[] = [];
    const errs = validateRules(compileValidations(c.schema), c.obj, c.old, { warnings });
    expect(errs.map((e) => `${e.field}: ${e.message}`)).toEqual(c.errors);
    expect(warnings).toEqual(c.warnings ?? []);
  });

  it('reports the reason as the error type', () => {
    const schema = resource(withRules(obj({ a: str }), { rule: 'false', reason: 'FieldValueForbidden' }));
    expect(validateRules(compileValidations(schema), { spec: {} }, undefined)[0]!.type).toBe('FieldValueForbidden');
  });

  it('stops at the per-call cost limit', () => {
    // 100 items keep the estimate under kube-apiserver's limit but not the run under the per-call limit.
    const schema = resource(
      obj({ l: withRules({ type: 'array', maxItems: 100, items: int }, 'self.all(x, self.all(y, self.all(z, x + y + z >= 0)))') }),
    );
    const l = Array.from({ length: 100 }, (_, i) => i);
    expect(validateRules(compileValidations(schema), { spec: { l } }, undefined).map((e) => `${e.field}: ${e.message}`)).toEqual([
      `spec.l: Invalid value: "array": 'operation cancelled: actual cost limit exceeded': no further validation rules will be run due to call cost exceeds limit for rule: self.all(x, self.all(y, self.all(z, x + y + z >= 0)))`,
    ]);
  });

  it('stops when the object runs out of cost budget', () => {
    const schema = resource(
      obj({
        l: { type: 'array', maxItems: 100, items: withRules({ ...str, maxLength: 10 }, "self.matches('^[a-z]+$')", 'self.size() > 0') },
      }),
    );
    const l = Array.from({ length: 50 }, () => 'abc');
    const errs = validateRules(compileValidations(schema), { spec: { l } }, undefined, { costBudget: 100 });
    expect(errs.map((e) => `${e.field}: ${e.message}`)).toEqual([
      expect.stringMatching(
        /^spec\.l\[\d+\]: Invalid value: "string": validation failed due to running out of cost budget, no further validation rules will be run$/,
      ),
    ]);
  });
});
