/** parseObject: always JSON.parse's result, without V8 internalizing the object's resourceVersion and name. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseObject } from './parse-object.js';

const flunder = (metadata: Record<string, unknown>, rest: Record<string, unknown> = {}) =>
  JSON.stringify({ apiVersion: 'wardle.example.com/v1alpha1', kind: 'Flunder', spec: { reference: 'r' }, metadata, ...rest });

const SHAPES: Record<string, string> = {
  'as stored': flunder({ name: 'obj-1', namespace: 'scale', uid: 'u', resourceVersion: '12345' }),
  'metadata first': JSON.stringify({ metadata: { name: 'a', resourceVersion: '7' }, spec: {} }),
  'a name of 10 characters and a resourceVersion of 10 digits': flunder({ name: 'abcdefghij', resourceVersion: '1234567890' }),
  'a long name and resourceVersion': flunder({ name: 'a-name-longer-than-ten', resourceVersion: '12345678901' }),
  'a name with an escape': flunder({ name: 'a"b', resourceVersion: '3' }),
  'an empty name and resourceVersion': flunder({ name: '', resourceVersion: '' }),
  'a resourceVersion that is not digits': flunder({ name: 'x', resourceVersion: '12a' }),
  'no resourceVersion (as etcd stores it)': flunder({ name: 'x', namespace: 'n' }),
  'no metadata': JSON.stringify({ kind: 'Flunder', spec: { resourceVersion: '5' } }),
  'metadata not starting with name': flunder({ namespace: 'n', name: 'x', resourceVersion: '4' }),
  'a nested resourceVersion after the object own': flunder(
    { name: 'x', resourceVersion: '4' },
    { status: { ref: { resourceVersion: '9' } } },
  ),
  "a template's metadata before the object's": JSON.stringify({
    spec: { template: { metadata: { name: 'inner', resourceVersion: '1' } } },
    metadata: { name: 'outer', resourceVersion: '2' },
  }),
  'only a nested metadata': JSON.stringify({ spec: { template: { metadata: { name: 'inner' } } } }),
  'a labels map with the keys': flunder({ name: 'x', labels: { resourceVersion: '8', name: 'y' }, resourceVersion: '6' }),
  'a string value that contains the keys': flunder({ name: 'x', annotations: { a: '"resourceVersion":"1","metadata":{"name":"n"' } }),
  'not an object': '[1,"resourceVersion",{"resourceVersion":"2"}]',
};

describe('parseObject', () => {
  for (const [shape, text] of Object.entries(SHAPES)) {
    it(`gives what JSON.parse gives, keys in order: ${shape}`, () => {
      const parsed = parseObject(text);
      expect(parsed).toEqual(JSON.parse(text));
      expect(JSON.stringify(parsed)).toBe(text);
    });
  }

  it("keeps the resourceVersion and name out of V8's string table, which JSON.parse adds them to", () => {
    const module = fileURLToPath(new URL('./parse-object.ts', import.meta.url));
    const check = `
      const { parseObject } = await import(${JSON.stringify(module)});
      const text = ${JSON.stringify(SHAPES['as stored'])};
      const ours = parseObject(text).metadata, plain = JSON.parse(text).metadata;
      console.log(JSON.stringify([%IsInternalizedString(ours.resourceVersion), %IsInternalizedString(ours.name),
        %IsInternalizedString(plain.resourceVersion), %IsInternalizedString(plain.name)]));`;
    const run = spawnSync(process.execPath, ['--allow-natives-syntax', '--import', 'tsx', '--input-type=module', '-e', check], {
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual([false, false, true, true]);
  });
});
