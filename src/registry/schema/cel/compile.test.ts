import { describe, expect, it } from 'vitest';
import type { JSONSchemaProps } from '../../definitions/json-schema.js';
import { CelCompileError, compileValidations, type ValidationRule } from './compile.js';

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
          items: {
            type: 'object',
            properties: { name: { type: 'string' } },
            'x-kubernetes-validations': [{ rule: 'self.name == oldSelf.name' }],
          },
        },
        'a@b': { type: 'object', properties: { m: { type: 'integer' } }, 'x-kubernetes-validations': [{ rule: 'self.m == 2' }] },
      },
    };
    expect(compileErrors(schema)).toEqual([]);
  });
});
