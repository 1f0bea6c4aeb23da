import { describe, expect, it } from 'vitest';
import { activation } from '../../../cel/activation.js';
import { evaluateExpression } from '../../../cel/evaluate.js';
import { compileVariables } from '../../../cel/variables.js';
import { compileMutation } from './compilation.js';
import { rewriteInitializers } from './initializers.js';
import { escapeKey, ObjectValue, toJSON, typeNameMismatches, typeNameOf } from './patch-types.js';

const variables = compileVariables([], false);
const vars = () =>
  activation({ object: { apiVersion: 'v1', kind: 'K', metadata: { name: 'n', labels: { a: 'b' } } }, oldObject: undefined, request: {} });
const evaluate = (expression: string, patchType: 'ApplyConfiguration' | 'JSONPatch' = 'ApplyConfiguration') => {
  const compiled = compileMutation(variables, expression, patchType);
  if (compiled.error !== undefined) throw new Error(compiled.error);
  return evaluateExpression(compiled, vars(), { remaining: 1e7 });
};

describe('object initializers', () => {
  it('become constructor calls, leaving strings, comments and other braces alone', () => {
    const r = rewriteInitializers('Object{spec: Object.spec{x: "Object{}", y: {"k": [1]}}} // Object{}');
    expect(r.source).toBe('__init_0__({"spec": __init_1__({"x": "Object{}", "y": {"k": [1]}})}) // Object{}');
    expect(r.typeNames).toEqual(['Object', 'Object.spec']);
    expect(r.initializers.map((i) => i.fields.map((f) => f.name))).toEqual([['spec'], ['x', 'y']]);
    // An offset inside copied text maps back into the expression as written.
    expect(r.original(r.source.indexOf('"k"'))).toBe('Object{spec: Object.spec{x: "Object{}", y: {'.length);
    expect(rewriteInitializers('object.spec{a: 1}').source).toBe('object.spec{a: 1}');
  });

  it('evaluate to Object values whose fields convert to JSON', () => {
    const r = evaluate('Object{metadata: Object.metadata{labels: {"x": object.metadata.name}}, spec: Object.spec{replicas: 3}}');
    expect(r.value).toBeInstanceOf(ObjectValue);
    expect(typeNameOf(r.value as ObjectValue)).toBe('Object');
    expect(toJSON(r.value)).toEqual({ metadata: { labels: { x: 'n' } }, spec: { replicas: 3 } });
    expect(typeNameMismatches(r.value)).toEqual([]);
  });

  it('report an initializer typed for another field path, as upstream', () => {
    const r = evaluate('Object{spec: Object.spec{containers: [Object.spec.containerz{name: "a"}]}}');
    expect(typeNameMismatches(r.value)).toEqual([
      'unexpected type name "Object.spec.containerz", expected "Object.spec.containers", which matches field name path from root Object type',
    ]);
  });

  it('compile JSONPatch lists, with jsonpatch.escapeKey and JSONPatch equality', () => {
    const r = evaluate(
      '[JSONPatch{op: "add", path: "/metadata/labels/" + jsonpatch.escapeKey("k8s.io/x~y"), value: JSONPatch{op: "a"} == JSONPatch{op: "a"}}]',
      'JSONPatch',
    );
    expect(r.value).toEqual([expect.objectContaining({ op: 'add', path: '/metadata/labels/k8s.io~1x~0y', value: true })]);
    expect(escapeKey('~/')).toBe('~0~1');
  });

  it('refuses expressions of the wrong type and unknown JSONPatch fields, pointing at the expression as written', () => {
    expect(compileMutation(variables, '"x"', 'ApplyConfiguration').error).toBe('must evaluate to Object but got string');
    expect(compileMutation(variables, 'Object.spec{}', 'ApplyConfiguration').error).toBe('must evaluate to Object but got Object.spec');
    expect(compileMutation(variables, 'Object{}', 'JSONPatch').error).toBe('must evaluate to list(JSONPatch) but got Object');
    expect(compileMutation(variables, '[JSONPatch{op: "add", nope: 1}]', 'JSONPatch').error).toBe(
      'compilation failed: ERROR: <input>:1:23: undefined field \'nope\'\n | [JSONPatch{op: "add", nope: 1}]\n | ......................^',
    );
    expect(compileMutation(variables, 'Object{spec: nothing}', 'ApplyConfiguration').error).toMatch(
      /^compilation failed: ERROR: <input>:1:14: .*\n \| Object\{spec: nothing\}\n \| \.{13}\^$/,
    );
  });
});
