import { describe, expect, it } from 'vitest';
import type { JSONSchemaProps } from '../../definitions/json-schema.js';
import { CelCompileError, compileValidations } from './compile.js';
import type { ValidationRule } from './compiled.js';

const spec = (rules: ValidationRule[], properties: Record<string, JSONSchemaProps> = { x: { type: 'integer' } }): JSONSchemaProps => ({
  type: 'object',
  properties: { spec: { type: 'object', properties, 'x-kubernetes-validations': rules } },
});

function compileErrors(schema: JSONSchemaProps, basePath?: string): string[] {
  try {
    compileValidations(schema, basePath);
  } catch (err) {
    if (err instanceof CelCompileError) return err.errors.map((e) => `${e.field}: ${e.message}`);
    throw err;
  }
  return [];
}

const at = 'spec.validation.openAPIV3Schema.properties[spec].x-kubernetes-validations[0]';
const printed = (rule: string) =>
  `{"Rule":${JSON.stringify(rule).replace(/>/g, '\\u003e')},"Message":"","MessageExpression":"","Reason":null,"FieldPath":"","OptionalOldSelf":null}`;

describe('compileValidations', () => {
  it.each<[string, JSONSchemaProps, string[]]>([
    [
      'syntax error, with cel-go layout',
      spec([{ rule: 'self.x ==' }]),
      [
        `${at}.rule: Invalid value: ${printed('self.x ==')}: compilation failed: ERROR: <input>:1:10: Unexpected token: EOF\n | self.x ==\n | .........^`,
      ],
    ],
    [
      'type error',
      spec([{ rule: "self.x == 'abc'" }]),
      [
        `${at}.rule: Invalid value: ${printed("self.x == 'abc'")}: compilation failed: ERROR: <input>:1:1: found no matching overload for '_==_' applied to '(int, string)'\n | self.x == 'abc'\n | ^`,
      ],
    ],
    [
      'unknown field',
      spec([{ rule: 'self.y > 1' }]),
      [
        `${at}.rule: Invalid value: ${printed('self.y > 1')}: compilation failed: ERROR: <input>:1:6: undefined field 'y'\n | self.y > 1\n | .....^`,
      ],
    ],
    ['not a bool', spec([{ rule: 'self.x' }]), [`${at}.rule: Invalid value: ${printed('self.x')}: cel expression must evaluate to a bool`]],
    ['blank rule', spec([{ rule: '  ' }]), [`${at}.rule: Required value: rule is not specified`]],
    [
      'messageExpression not a string',
      spec([{ rule: 'true', messageExpression: '1' }]),
      [
        `${at}.messageExpression: Invalid value: {"Rule":"true","Message":"","MessageExpression":"1","Reason":null,"FieldPath":"","OptionalOldSelf":null}: messageExpression must evaluate to a string`,
      ],
    ],
    [
      'unsupported reason',
      spec([{ rule: 'true', reason: 'Nope' as never }]),
      [
        `${at}.reason: Unsupported value: "Nope": supported values: "FieldValueDuplicate", "FieldValueForbidden", "FieldValueInvalid", "FieldValueRequired"`,
      ],
    ],
    ['invalid fieldPath', spec([{ rule: 'true', fieldPath: '.nope' }]), [`${at}.fieldPath: Invalid value: ".nope": must be a valid path`]],
    [
      'optionalOldSelf without oldSelf',
      spec([{ rule: 'true', optionalOldSelf: true }]),
      [`${at}.optionalOldSelf: Invalid value: true: may not be set if oldSelf is not used in rule`],
    ],
    [
      'multi-line rule needs a message',
      spec([{ rule: 'true &&\ntrue' }]),
      [`${at}.message: Required value: message must be specified if rule contains line breaks`],
    ],
    [
      'oldSelf under an atomic list',
      {
        type: 'object',
        properties: {
          l: { type: 'array', items: { type: 'integer', 'x-kubernetes-validations': [{ rule: 'self == oldSelf' }] } },
        },
      },
      [
        'spec.validation.openAPIV3Schema.properties[l].items.x-kubernetes-validations[0].rule: Invalid value: "self == oldSelf": oldSelf cannot be used on the uncorrelatable portion of the schema within spec.validation.openAPIV3Schema.properties[l]',
      ],
    ],
  ])('%s', (_name, schema, errors) => {
    expect(compileErrors(schema)).toEqual(errors);
  });

  it('reports under the path it is given', () => {
    expect(compileErrors(spec([{ rule: '' }]), 'spec.versions[1].schema.openAPIV3Schema')).toEqual([
      'spec.versions[1].schema.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule: Required value: rule is not specified',
    ]);
  });

  it('names the rule and path in the thrown message', () => {
    expect(() => compileValidations(spec([{ rule: 'self.x ==' }]))).toThrow(
      /^spec\.validation\.openAPIV3Schema\.properties\[spec\]\.x-kubernetes-validations\[0\]\.rule: Invalid value: .*compilation failed/,
    );
  });

  it('keeps only the nodes with rules beneath them, and marks transition rules', () => {
    const compiled = compileValidations(
      spec([{ rule: 'self.x == oldSelf.x' }, { rule: 'self.x > 0' }], {
        x: { type: 'integer' },
        y: { type: 'object', properties: { z: { type: 'string' } } },
      }),
    );
    const node = compiled.root!.properties.get('spec')!;
    expect(node.rules.map((r) => r.usesOldSelf)).toEqual([true, false]);
    expect(node.properties.size).toBe(0);
    expect(compileValidations({ type: 'object', properties: { a: { type: 'string' } } }).root).toBeUndefined();
  });

  it('accepts map-list transition rules and unescapable property names with rules of their own', () => {
    const schema: JSONSchemaProps = {
      type: 'object',
      properties: {
        l: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['name'],
          // Bounded, as kube-apiserver requires of a string comparison on every item.
          maxItems: 100,
          items: {
            type: 'object',
            properties: { name: { type: 'string', maxLength: 63 } },
            'x-kubernetes-validations': [{ rule: 'self.name == oldSelf.name' }],
          },
        },
        'a@b': { type: 'object', properties: { m: { type: 'integer' } }, 'x-kubernetes-validations': [{ rule: 'self.m == 2' }] },
      },
    };
    expect(compileErrors(schema)).toEqual([]);
  });
});

describe('compileValidations: estimated cost', () => {
  const root = 'spec.validation.openAPIV3Schema';
  const atL = `${root}.properties[spec].properties[l].x-kubernetes-validations`;
  const budget =
    '(try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings are declared)';
  const contributed = 'Forbidden: contributed to estimated rule cost total exceeding cost limit for entire OpenAPIv3 schema';
  const onList = (list: JSONSchemaProps, ...rules: string[]) =>
    spec([], { l: { ...list, 'x-kubernetes-validations': rules.map((rule) => ({ rule })) } });
  const strings = (maxLength?: number): JSONSchemaProps => ({ type: 'string', ...(maxLength === undefined ? {} : { maxLength }) });
  const pairwise = 'self.all(x, self.all(y, x == y))';

  it('accepts a nested all() over a list whose maxItems and maxLength bound it', () => {
    expect(compileErrors(onList({ type: 'array', maxItems: 20, items: strings(64) }, pairwise))).toEqual([]);
  });

  it('refuses the same rule over an unbounded list of strings, as kube-apiserver does', () => {
    expect(compileErrors(onList({ type: 'array', items: strings() }, pairwise))).toEqual([
      `${atL}[0].rule: Forbidden: estimated rule cost exceeds budget by factor of more than 100x ${budget}`,
      `${atL}[0].rule: ${contributed}`,
      `${root}: Forbidden: x-kubernetes-validations estimated rule cost total for entire OpenAPIv3 schema exceeds budget by factor of more than 100x ${budget}`,
    ]);
  });

  it('accepts simple rules', () => {
    expect(compileErrors(spec([{ rule: 'self.x > 0' }, { rule: 'has(self.x) || self.x == oldSelf.x' }]))).toEqual([]);
  });

  it('prints the factor as Go does', () => {
    // 2 + 7 × 1572863 unbounded integers; 12 + 14 × 1572863, + 1 for == and 10 for the list.
    expect(
      compileErrors(
        onList({ type: 'array', items: { type: 'integer' } }, 'self.all(x, x > 0 && x < 100)', 'self.map(x, x * 2) == [2, 4, 6]'),
      ),
    ).toEqual([
      `${atL}[0].rule: Forbidden: estimated rule cost exceeds budget by factor of 1.101004x ${budget}`,
      `${atL}[1].rule: Forbidden: estimated rule cost exceeds budget by factor of 2.2x ${budget}`,
    ]);
  });

  it('refuses rules too expensive together, naming the four dearest', () => {
    const rules = Array.from({ length: 13 }, (_, i) => `self.all(x, x > ${i})`);
    expect(
      compileErrors(onList({ type: 'array', items: { type: 'integer' } }, ...rules), 'spec.versions[1].schema.openAPIV3Schema'),
    ).toEqual([
      ...[0, 1, 2, 3].map(
        (i) => `spec.versions[1].schema.openAPIV3Schema.properties[spec].properties[l].x-kubernetes-validations[${i}].rule: ${contributed}`,
      ),
      `spec.versions[1].schema.openAPIV3Schema: Forbidden: x-kubernetes-validations estimated rule cost total for entire OpenAPIv3 schema exceeds budget by factor of 1.022361x ${budget}`,
    ]);
  });

  // validation_test.go "forbid validation rules where cost total exceeds total limit".
  it('multiplies a rule by the maxItems and maxProperties above it', () => {
    const contains = [{ rule: "self.contains('keyword')" }];
    const schema: JSONSchemaProps = {
      type: 'object',
      properties: {
        list: { type: 'array', maxItems: 100000, items: { ...strings(5000), 'x-kubernetes-validations': contains } },
        map: { type: 'object', maxProperties: 1000, additionalProperties: { ...strings(5000), 'x-kubernetes-validations': contains } },
        field: { type: 'integer', 'x-kubernetes-validations': [{ rule: 'self > 50 && self < 100' }] },
      },
    };
    expect(compileErrors(schema)).toEqual([
      `${root}.properties[list].items.x-kubernetes-validations[0].rule: Forbidden: estimated rule cost exceeds budget by factor of 20.0x ${budget}`,
      `${root}.properties[list].items.x-kubernetes-validations[0].rule: ${contributed}`,
      `${root}.properties[map].additionalProperties.x-kubernetes-validations[0].rule: ${contributed}`,
      `${root}: Forbidden: x-kubernetes-validations estimated rule cost total for entire OpenAPIv3 schema exceeds budget by factor of 2.0x ${budget}`,
    ]);
  });

  // validation_test.go "... messageExpression exceeding per-expression estimated cost limit".
  it('refuses an expensive messageExpression', () => {
    const schema: JSONSchemaProps = {
      type: 'object',
      properties: {
        f: {
          type: 'array',
          items: strings(),
          'x-kubernetes-validations': [
            { rule: 'true', messageExpression: 'self[0] + self[1] + self[2] + self[3] + self[4] + self[5] + self[6] + self[7]' },
          ],
        },
      },
    };
    expect(compileErrors(schema)).toEqual([
      `${root}.properties[f].x-kubernetes-validations[0].messageExpression: Forbidden: estimated messageExpression cost exceeds budget by factor of 1.101006x ${budget}`,
    ]);
  });

  it.each<[string, JSONSchemaProps]>([
    // validation_test.go: bounded lists and strings, and metadata names bounded by the API server.
    [
      'lowerAscii on bounded strings',
      {
        type: 'object',
        properties: {
          f: {
            type: 'array',
            maxItems: 5,
            items: strings(5),
            'x-kubernetes-validations': [{ rule: 'self.all(x, self.exists_one(y, x.lowerAscii() == y.lowerAscii()))' }],
          },
        },
      },
    ],
    [
      'metadata.name and generateName',
      {
        type: 'object',
        'x-kubernetes-validations': [
          { rule: 'self.metadata.name.contains(self.metadata.name) && self.metadata.generateName.contains(self.metadata.generateName)' },
        ],
      },
    ],
    // kube-apiserver refuses this (it cannot size string()'s result); the estimate errs towards accepting.
    [
      'a value the estimate cannot size',
      {
        type: 'object',
        properties: {
          f: {
            type: 'array',
            items: strings(),
            'x-kubernetes-validations': [{ rule: 'true', messageExpression: 'string(self[0]) + string(self[1])' }],
          },
        },
      },
    ],
  ])('accepts %s', (_name, schema) => {
    expect(compileErrors(schema)).toEqual([]);
  });
});
