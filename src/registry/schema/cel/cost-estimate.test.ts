import { describe, expect, it } from 'vitest';
import type { JSONSchemaProps } from '../../definitions/json-schema.js';
import { PER_CALL_LIMIT } from '../../../cel/cost.js';
import { estimateCost } from './cost-estimate.js';
import { celTypeName, schemaDeclType, TypeRegistry } from './decl-type.js';
import { schemaEnvironment } from './environment.js';
import { sizedType } from './schema-sizes.js';

/** The estimated cost of `rule` on a schema node that is not a resource root, as upstream's compilation_test. */
function cost(schema: JSONSchemaProps, rule: string): number {
  const reg = new TypeRegistry();
  const type = schemaDeclType(schema, false, reg)!;
  const env = schemaEnvironment(reg).registerVariable('self', celTypeName(type)).registerVariable('oldSelf', celTypeName(type));
  const program = env.parse(rule);
  const checked = program.check();
  if (!checked.valid) throw checked.error;
  return estimateCost(program.ast, sizedType(schema, false)!);
}

type Gen = (max: number | undefined) => JSONSchemaProps;
const bound = (keyword: string, max: number | undefined): JSONSchemaProps => (max === undefined ? {} : { [keyword]: max });
/** A scalar as upstream's tests name it: a type, a string format, or int-or-string. */
const scalar = (t: string): JSONSchemaProps =>
  t === 'int-or-string'
    ? { 'x-kubernetes-int-or-string': true }
    : ['duration', 'date', 'date-time'].includes(t)
      ? { type: 'string', format: t }
      : { type: t };
const requiredAndOptional: JSONSchemaProps = {
  type: 'object',
  properties: { required: { type: 'string' }, optional: { type: 'string' } },
  required: ['required'],
};
const array =
  (items: JSONSchemaProps): Gen =>
  (max) => ({ type: 'array', items, ...bound('maxItems', max) });
const map =
  (values: JSONSchemaProps): Gen =>
  (max) => ({ type: 'object', additionalProperties: values, ...bound('maxProperties', max) });
const string: Gen = (max) => ({ type: 'string', ...bound('maxLength', max) });

/** Upstream expects only that the cost exceed the per-call limit. */
const OVER_LIMIT = -1;

// Upstream's TestCostEstimation (apiextensions pkg/apiserver/schema/cel/compilation_test.go): each rule's
// cost without size limits, and with `max` as every maxItems, maxProperties and maxLength.
const cases: Array<[string, Gen, string, number, number, number]> = [
  ['number array with all', array(scalar('number')), 'self.all(x, true)', 4718591, 10, 32],
  ['string array with all', array(scalar('string')), 'self.all(x, true)', 3145727, 20, 62],
  ['boolean array with all', array(scalar('boolean')), 'self.all(x, true)', 1887437, 5, 17],
  ['array of number arrays with all', array({ type: 'array', items: scalar('number') }), 'self.all(x, true)', 3145727, 100, 302],
  ['array of objects with all', array(requiredAndOptional), 'self.all(x, true)', 555128, 50, 152],
  ['map of numbers with all', map(scalar('number')), 'self.all(x, true)', 1348169, 10, 32],
  ['map of strings with all', map(scalar('string')), 'self.all(x, true)', 1179647, 3, 11],
  ['map of booleans with all', map(scalar('boolean')), 'self.all(x, true)', 943718, 100, 302],
  ['string with contains', string, "self.contains('test')", 314574, 10, 5],
  ['string with startsWith', string, "self.startsWith('test')", 2, 15, 2],
  ['concat string', string, 'size(self + "hello") > size("hello")', 314578, 4, 7],
  ['index of array with numbers', array(scalar('number')), 'self[1] == 0.0', 2, 5000, 2],
  ['index of array with strings', array(scalar('string')), 'self[1] == self[1]', 314577, 8, 314577],
  ['O(n^2) loop with numbers', array(scalar('number')), 'self.all(x, self.all(y, true))', OVER_LIMIT, 10, 352],
  ['O(n^3) loop with numbers', array(scalar('number')), 'self.all(x, self.all(y, self.all(z, true)))', OVER_LIMIT, 10, 3552],
  ['regex matches simple', string, 'self.matches("x")', 314574, 50, 22],
  ['regex matches empty string', string, '"".matches("(((((((((())))))))))[0-9]")', 7, 10, 7],
  ['regex matches empty regex', string, 'self.matches("")', 1, 100, 1],
  ['map of strings with value length', (max) => map(string(max))(max), 'self.all(x, x.contains(self[x]))', 2752507, 10, 72],
  ['set string maxLength to zero', string, 'self == "x"', 2, 0, 1],
  ['set bytes maxLength to zero', (max) => ({ ...string(max), format: 'byte' }), 'self == b"x"', 2, 0, 1],
  ['set maxLength greater than estimated maxLength', array(scalar('number')), 'self.all(x, x == 0.0)', 6291454, 3 * 1024 * 2048, 25165826],
  [
    'nested types with root rule with all supporting maxLength',
    (max) => array(map({ ...requiredAndOptional, ...bound('maxProperties', max) })(max))(max),
    'self.all(x, x["y"].required == "z")',
    7340027,
    10,
    72,
  ],
  ['int-or-string array with all', array(scalar('int-or-string')), 'self.all(x, true)', 4718591, 10, 32],
  ['index of array with int-or-strings', array(scalar('int-or-string')), 'self[0] == 5', 3, 10, 3],
  ['index of array of array of numbers', array({ type: 'array', items: scalar('number') }), 'self[0][0] == -1.0', 3, 51, 3],
  [
    'array of number maps with all',
    array({ type: 'object', additionalProperties: scalar('number') }),
    'self.all(x, x.y == 25.2)',
    6291452,
    12,
    74,
  ],
  ['duration array with all', array(scalar('duration')), 'self.all(x, true)', 2359295, 5, 17],
  ['date array with all', array(scalar('date')), 'self.all(x, true)', 725936, 15, 47],
  ['date-time array with all', array(scalar('date-time')), 'self.all(x, true)', 428963, 25, 77],
  ['map of objects with all', map(requiredAndOptional), 'self.all(x, true)', 428963, 20, 62],
  ['map of number arrays with all', map({ type: 'array', items: scalar('number') }), 'self.all(x, true)', 1179647, 25, 77],
  ['map of date-times with all', map(scalar('date-time')), 'self.all(x, true)', 349526, 25, 77],
  ['extended library regex find', string, "self.find('[0-9]+') == ''", 629147, 10, 11],
  ['extended library join', (max) => array(string(max))(max), "self.join(' ') == 'aa bb'", 329853068905, 10, 43],
  ['extended library isSorted', (max) => array(string(max))(max), 'self.isSorted() == true', 329854432052, 10, 52],
  [
    'extended library replace',
    (max) => ({
      type: 'object',
      properties: { str: string(max), before: string(2), after: string(4) },
    }),
    "self.str.replace(self.before, self.after) == 'does not matter'",
    629154,
    4,
    12,
  ],
  [
    'extended library split',
    (max) => ({ type: 'object', properties: { str: string(max), separator: string(max) } }),
    'self.str.split(self.separator) == []',
    629160,
    10,
    22,
  ],
  ['extended library lowerAscii', string, "self.lowerAscii() == 'lower!'", 314575, 10, 6],
  ['check cost of size call', map(scalar('integer')), 'oldSelf.size() == self.size()', 5, 10, 5],
  ['check cost of timestamp comparison', map(scalar('date-time')), 'self["a"] == self["b"]', 8, 7, 8],
  [
    'enums with maxLength equals to the longest possible value',
    (max) => ({ ...string(max), enum: ['A', 'B', 'C', 'LongValue'] }),
    "self.contains('A')",
    2,
    1000,
    401,
  ],
];

describe('estimateCost', () => {
  it.each(cases)('%s', (_name, gen, rule, unbounded, max, bounded) => {
    if (unbounded === OVER_LIMIT) expect(cost(gen(undefined), rule)).toBeGreaterThan(PER_CALL_LIMIT);
    else expect(cost(gen(undefined), rule)).toBe(unbounded);
    expect(cost(gen(max), rule)).toBe(bounded);
  });

  it.each<[string, JSONSchemaProps, string, number]>([
    ['exists: its loop condition negates the result', array(scalar('integer'))(5), 'self.exists(x, x > 0)', 2 + 5 * 6],
    ['map and filter build lists', array(scalar('integer'))(5), 'self.map(x, x * 2).filter(y, y > 4).size() == 1', 170],
    ['has() is free beyond its operand', { type: 'object', properties: { a: { type: 'string' } } }, 'has(self.a)', 1],
    ['in a list costs its length', array(scalar('integer'))(7), '3 in self', 8],
    [
      'cel.bind binds over an empty list',
      { type: 'object', properties: { s: string(2) } },
      'cel.bind(x, self.s, x.size() > 1)',
      10 + 2 + 3,
    ],
    ['a ternary costs its dearer branch', string(10), "self == 'a' ? self.contains('b') : true", 2 + 5],
  ])('%s', (_name, schema, rule, expected) => {
    expect(cost(schema, rule)).toBe(expected);
  });

  it('has no estimate where upstream cannot size a value', () => {
    expect(cost(array(string(undefined))(undefined), 'string(self[0]) == string(self[1])')).toBe(Number.POSITIVE_INFINITY);
  });
});
