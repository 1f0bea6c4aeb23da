import { describe, expect, it } from 'vitest';
import { decodeFieldsV1, encodeFieldsV1, FieldsV1Error, fieldsV1Value } from './fields-v1.js';
import { fieldName, indexElement, keyElement, makePath, type PathElement, pathToString, valueElement } from './path.js';
import { newSet } from './set.js';

const P = makePath;
const strings = (text: string) => [...decodeFieldsV1(text).paths()].map(pathToString).sort();

describe('FieldsV1 golden data (serialize_test.go)', () => {
  const golden = [
    '{"f:aaa":{},"f:aab":{},"f:aac":{},"f:aad":{},"f:aae":{},"f:aaf":{},"k:{\\"name\\":\\"first\\"}":{},"k:{\\"name\\":\\"second\\"}":{},"k:{\\"port\\":443,\\"protocol\\":\\"tcp\\"}":{},"k:{\\"port\\":443,\\"protocol\\":\\"udp\\"}":{},"v:1":{},"v:2":{},"v:3":{},"v:\\"aa\\"":{},"v:\\"ab\\"":{},"v:true":{},"i:1":{},"i:2":{},"i:3":{},"i:4":{}}',
    '{"f:aaa":{"k:{\\"name\\":\\"second\\"}":{"v:3":{"f:aab":{}}},"v:3":{},"v:true":{}},"f:aab":{"f:aaa":{},"f:aaf":{"k:{\\"port\\":443,\\"protocol\\":\\"udp\\"}":{"k:{\\"port\\":443,\\"protocol\\":\\"tcp\\"}":{}}},"k:{\\"name\\":\\"first\\"}":{}},"f:aac":{"f:aaa":{"v:1":{}},"f:aac":{},"v:3":{"k:{\\"name\\":\\"second\\"}":{}}},"i:1":{"i:3":{"f:aaf":{}}},"i:2":{"f:aae":{},"k:{\\"port\\":443,\\"protocol\\":\\"tcp\\"}":{"v:1":{}}}}',
    '{"f:spec":{".":{},"f:apps":{".":{},"k:{\\"name\\":\\" app-💻\\"}":{".":{},"f:container":{".":{},"f:image":{},"f:name":{},"f:ports":{".":{},"k:{\\"name\\":\\"port 🔑\\"}":{".":{},"f:containerPort":{},"f:name":{}}}},"f:name":{}},"k:{\\"name\\":\\" app-🚀\\"}":{".":{},"f:container":{".":{},"f:image":{},"f:name":{},"f:ports":{".":{},"k:{\\"name\\":\\"port-✅ \\"}":{".":{},"f:containerPort":{},"f:name":{}}}},"f:name":{}}}}}',
  ];
  it.each(golden.map((g, i) => [i, g]))('%i decodes and encodes back byte for byte', (_i, text) => {
    expect(encodeFieldsV1(decodeFieldsV1(text as string))).toBe(text);
  });

  it.each(golden.map((g, i) => [i, g]))('%i builds the same JSON value, keys in the same order', (_i, text) => {
    expect(JSON.stringify(fieldsV1Value(decodeFieldsV1(text as string)))).toBe(text);
  });

  it('normalizes order, spacing and key field order', () => {
    const text = `{
      "i:2": {}, "v:true": {},  "k:{ \\"protocol\\":\\"udp\\",\\"port\\":443}": {},
      "v: 3": {}, "f:b": {"f:y": {}, ".": {}}, "f:a": {}
    }`;
    expect(encodeFieldsV1(decodeFieldsV1(text))).toBe(
      '{"f:a":{},"f:b":{".":{},"f:y":{}},"k:{\\"port\\":443,\\"protocol\\":\\"udp\\"}":{},"v:3":{},"v:true":{},"i:2":{}}',
    );
  });
});

describe('FieldsV1 as kube-apiserver records it', () => {
  // A custom resource written by `kubectl apply` (manager kubectl-client-side-apply): labels, annotations,
  // finalizers (a set), a map-list keyed by name and port, a set-list, and a scalar.
  const recorded =
    '{"f:metadata":{"f:annotations":{".":{},"f:kubectl.kubernetes.io/last-applied-configuration":{},"f:note":{}},"f:finalizers":{".":{},"v:\\"example.com/cleanup\\"":{}},"f:labels":{".":{},"f:app":{},"f:tier":{}}},"f:spec":{".":{},"f:ports":{".":{},"k:{\\"name\\":\\"http\\",\\"port\\":80}":{".":{},"f:name":{},"f:port":{}},"k:{\\"name\\":\\"https\\",\\"port\\":443}":{".":{},"f:name":{},"f:port":{}}},"f:size":{},"f:tags":{".":{},"v:\\"blue\\"":{},"v:\\"green\\"":{}}}}';
  const http = keyElement({ port: 80, name: 'http' });
  const https = keyElement({ name: 'https', port: 443 });
  const built = newSet(
    P('spec', 'tags', valueElement('green')),
    P('spec', 'tags', valueElement('blue')),
    P('spec', 'tags'),
    P('spec', 'size'),
    P('spec', 'ports', https, 'port'),
    P('spec', 'ports', https, 'name'),
    P('spec', 'ports', https),
    P('spec', 'ports', http, 'port'),
    P('spec', 'ports', http, 'name'),
    P('spec', 'ports', http),
    P('spec', 'ports'),
    P('spec'),
    P('metadata', 'labels', 'tier'),
    P('metadata', 'labels', 'app'),
    P('metadata', 'labels'),
    P('metadata', 'finalizers', valueElement('example.com/cleanup')),
    P('metadata', 'finalizers'),
    P('metadata', 'annotations', 'note'),
    P('metadata', 'annotations', 'kubectl.kubernetes.io/last-applied-configuration'),
    P('metadata', 'annotations'),
  );

  it('encodes a set built in any order to the recorded bytes', () => {
    expect(encodeFieldsV1(built)).toBe(recorded);
  });
  it('decodes the recorded bytes to the same set', () => {
    expect(decodeFieldsV1(recorded).equals(built)).toBe(true);
  });
  it('writes a member that has children once, with "." first', () => {
    expect(encodeFieldsV1(newSet(P('a', 'b'), P('a'), P('a', 0)))).toBe('{"f:a":{".":{},"f:b":{},"i:0":{}}}');
  });
  it('escapes field names only as JSON requires, and values inside keys as encoding/json', () => {
    const s = newSet(P('metadata', 'annotations', 'a<b>&"c"'), P('spec', 'items', keyElement({ name: '<x>' })));
    expect(encodeFieldsV1(s)).toBe(
      '{"f:metadata":{"f:annotations":{"f:a<b>&\\"c\\"":{}}},"f:spec":{"f:items":{"k:{\\"name\\":\\"\\\\u003cx\\\\u003e\\"}":{}}}}',
    );
    expect(decodeFieldsV1(encodeFieldsV1(s)).equals(s)).toBe(true);
  });
  it('is {} for the empty set', () => {
    expect(encodeFieldsV1(newSet())).toBe('{}');
  });
});

describe('decodeFieldsV1 (Set.FromJSON)', () => {
  const accepted: [string, string, string[]][] = [
    ['null', 'null', []],
    ['an empty object', ' {} ', []],
    ['null below a path element as a member', '{"f:a":null}', ['.a']],
    ['an unknown element type skipped, leaving a member', '{"f:a":{"x:y":{"f:z":{}}}}', ['.a']],
    ['any value after "."', '{"f:a":{".":{"anything":[1,"}",null]},"f:b":{}}}', ['.a', '.a.b']],
    ['an unknown element type with any value', '{"r:q":[{"a":1}],"f:b":{}}', ['.b']],
    ['a repeated child: the last wins', '{"f:a":{"f:x":{}},"f:a":{"f:y":{}}}', ['.a.y']],
    ['a repeated key: member and child', '{"f:a":{},"f:a":{"f:y":{}}}', ['.a', '.a.y']],
  ];
  it.each(accepted)('accepts %s', (_name, text, paths) => {
    expect(strings(text)).toEqual(paths);
  });

  const rejected: [string, string][] = [
    ['', 'ReadMapCB: expect { or n, but found '],
    ['[]', 'ReadMapCB: expect { or n, but found ['],
    ['{"f:a":1}', 'ReadMapCB: expect { or n, but found 1'],
    ['{"f:a":{}', 'ReadMapCB: object not ended with }'],
    ['{"f:a" {}}', 'ReadMapCB: expect : after object field, but found "'],
    ['{f:a}', 'ReadMapCB: expect " after {, but found f'],
    ['{"no-colon":{}}', 'parsing key as path element: missing colon: no-colon'],
    ['{"i:x":{}}', 'parsing key as path element: strconv.Atoi: parsing "x": invalid syntax'],
    ['{"f:a":{}} {}', 'managedFields parsing: unexpected trailing data after JSON object'],
  ];
  it.each(rejected)('rejects %j', (text, message) => {
    expect(() => decodeFieldsV1(text)).toThrow(FieldsV1Error);
    expect(() => decodeFieldsV1(text)).toThrow(message);
  });
});

describe('random sets round-trip (TestSerializeV1)', () => {
  // A fixed-seed generator, so a failure reproduces.
  let seed = 42;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const element = (): PathElement => {
    switch (rand(4)) {
      case 0:
        return fieldName(['aaa', 'aab', 'aac', 'a<b', ''][rand(5)]!);
      case 1:
        return rand(2)
          ? keyElement({ name: ['first', 'sec"ond'][rand(2)]! })
          : keyElement({ port: 443, protocol: ['tcp', 'udp'][rand(2)]! });
      case 2:
        return valueElement([1, 2.5, 'aa', true, null][rand(5)]!);
      default:
        return indexElement(rand(5));
    }
  };
  it.each(Array.from({ length: 50 }, (_, i) => i))('set %i', () => {
    const paths = Array.from({ length: 30 }, () => Array.from({ length: 2 + rand(4) }, element));
    const s = newSet(...paths);
    const text = encodeFieldsV1(s);
    expect(decodeFieldsV1(text).equals(s)).toBe(true);
    expect(encodeFieldsV1(decodeFieldsV1(text))).toBe(text);
  });
});
