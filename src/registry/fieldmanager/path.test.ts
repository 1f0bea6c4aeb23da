import { describe, expect, it } from 'vitest';
import {
  comparePathElements,
  deserializePathElement,
  fieldName,
  indexElement,
  keyElement,
  makePath,
  type PathElement,
  pathToString,
  serializePathElement,
  UnknownPathElementTypeError,
  valueElement,
} from './path.js';

describe('PathElement string forms (serialize-pe_test.go)', () => {
  const roundTrips: [string, PathElement][] = [
    ['i:0', indexElement(0)],
    ['i:1234', indexElement(1234)],
    ['f:', fieldName('')],
    ['f:spec', fieldName('spec')],
    ['f: string-with-spaces   ', fieldName(' string-with-spaces   ')],
    ['f:spec-🚀', fieldName('spec-🚀')],
    ['f:spec-\\n', fieldName('spec-\\n')],
    ['k:{"name":"my-container"}', keyElement({ name: 'my-container' })],
    ['k:{"port":"8080","protocol":"TCP"}', keyElement({ protocol: 'TCP', port: '8080' })],
    ['k:{"containerPort":80,"protocol":"TCP"}', keyElement({ protocol: 'TCP', containerPort: 80 })],
    ['k:{"optionalField":null}', keyElement({ optionalField: null })],
    ['k:{"jsonField":{"A":1,"B":null,"C":"D","E":{"F":"G"}}}', keyElement({ jsonField: { E: { F: 'G' }, C: 'D', B: null, A: 1 } })],
    ['k:{"listField":["1","2","3"]}', keyElement({ listField: ['1', '2', '3'] })],
    ['k:{"name":"你好世界"}', keyElement({ name: '你好世界' })],
    ['v:null', valueElement(null)],
    ['v:"some-string"', valueElement('some-string')],
    ['v:1234', valueElement(1234)],
    ['v:1.5', valueElement(1.5)],
    ['v:true', valueElement(true)],
    ['v:{"some":"json"}', valueElement({ some: 'json' })],
  ];
  it.each(roundTrips)('%s', (text, pe) => {
    expect(deserializePathElement(text)).toEqual(pe);
    expect(serializePathElement(pe)).toBe(text);
  });

  it('normalizes what it reads: key fields sorted, spaces dropped', () => {
    expect(serializePathElement(deserializePathElement('k:{ "protocol":"udp","port":443}'))).toBe('k:{"port":443,"protocol":"udp"}');
    expect(serializePathElement(deserializePathElement('v: 3'))).toBe('v:3');
  });

  it('escapes <, > and & in values, as json-iterator with EscapeHTML does, but not in field names', () => {
    expect(serializePathElement(valueElement('a<b>&c\u2028'))).toBe('v:"a\\u003cb\\u003e\\u0026c\\u2028"');
    expect(serializePathElement(keyElement({ '<k>': 'x\ty' }))).toBe('k:{"<k>":"x\\ty"}');
    expect(serializePathElement(fieldName('a<b>'))).toBe('f:a<b>');
  });

  it('reports an unknown type letter so readers can skip it', () => {
    expect(() => deserializePathElement('r:Hello')).toThrow(UnknownPathElementTypeError);
  });

  const malformed: [string, string | RegExp][] = [
    ['', 'key must be 2 characters long:'],
    ['v', 'key must be 2 characters long:'],
    ['no-colon', 'missing colon: no-colon'],
    ['é:x', 'missing colon: é:x'],
    ['i:index is not a number', 'strconv.Atoi: parsing "index is not a number": invalid syntax'],
    ['i:1.23', /invalid syntax/],
    ['i:', /invalid syntax/],
    ['i: 0', /invalid syntax/],
    ['i:0 ', /invalid syntax/],
    ['v:invalid json', /managedFields parsing/],
    ['v:', /managedFields parsing/],
    ['k:{"name":invalid}', /managedFields parsing/],
    ['k:["name"]', /ReadObjectCB/],
    ['v:{"some":"json"} {"other":"json"}', /managedFields parsing/],
    ['k:{"name":"my-container"} garbage', /managedFields parsing/],
  ];
  it.each(malformed)('rejects %j', (text, message) => {
    expect(() => deserializePathElement(text)).toThrow(message);
  });
});

describe('PathElement.Compare (element_test.go)', () => {
  // a < b in each row.
  const less: [string, PathElement, PathElement][] = [
    ['field names', fieldName('anteater'), fieldName('zebra')],
    ['field before key', fieldName('capybara'), keyElement({ dog: 3 })],
    ['field before value', fieldName('elephant'), valueElement(4)],
    ['field before index', fieldName('falcon'), indexElement(5)],
    ['key values', keyElement({ goat: 1 }), keyElement({ goat: 5 })],
    ['key names', keyElement({ horse: 1 }), keyElement({ ibex: 1 })],
    ['fewer key fields', keyElement({ a: 1 }), keyElement({ a: 1, b: 1 })],
    ['key before value', keyElement({ jay: 1 }), valueElement(1)],
    ['key before index', keyElement({ kite: 1 }), indexElement(0)],
    ['numbers before strings', valueElement(10), valueElement('1')],
    ['ints and floats numerically', valueElement(1), valueElement(1.5)],
    ['strings before booleans', valueElement('z'), valueElement(false)],
    ['false before true', valueElement(false), valueElement(true)],
    ['booleans before lists', valueElement(true), valueElement([])],
    ['shorter list first', valueElement([1]), valueElement([1, 2])],
    ['lists before maps', valueElement([1]), valueElement({})],
    ['maps before null', valueElement({ a: 1 }), valueElement(null)],
    ['a map with a key the other lacks first', valueElement({ a: 1, b: 1 }), valueElement({ b: 1 })],
    ['a map ending earlier first', valueElement({ a: 1 }), valueElement({ a: 1, b: 1 })],
    ['value before index', valueElement(null), indexElement(0)],
    ['indexes', indexElement(1), indexElement(2)],
    // Go orders strings by UTF-8 bytes: U+1F680 sorts after U+FF5E, unlike UTF-16 code units.
    ['code point order', fieldName('\uff5e'), fieldName('🚀')],
  ];
  it.each(less)('%s', (_name, a, b) => {
    expect(comparePathElements(a, b)).toBe(-1);
    expect(comparePathElements(b, a)).toBe(1);
    expect(comparePathElements(a, a)).toBe(0);
  });

  it('counts an int and a float of the same number as equal', () => {
    expect(comparePathElements(valueElement(1), valueElement(1.0))).toBe(0);
  });
});

describe('pathToString', () => {
  it('writes the form conflict messages use', () => {
    expect(pathToString(makePath('spec', 'ports', keyElement({ port: 80, protocol: 'TCP' }), 'name'))).toBe(
      '.spec.ports[port=80,protocol="TCP"].name',
    );
    expect(pathToString(makePath('metadata', 'finalizers', valueElement('a'), 3))).toBe('.metadata.finalizers[="a"][3]');
  });
});
