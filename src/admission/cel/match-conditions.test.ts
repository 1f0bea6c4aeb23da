import { describe, expect, it } from 'vitest';
import type { Attributes } from '../interfaces.js';
import { flunderAttributes } from '../testing/attributes.js';
import { compileMatchConditions, MatchConditionError } from './match-conditions.js';
import { compileVariables, bindVariables } from './variables.js';
import { compileExpression } from './compile.js';
import { evaluateExpression } from './evaluate.js';
import { activation, admissionRequest } from './activation.js';

const attrs = (labels: Record<string, string> = {}): Attributes =>
  flunderAttributes({
    name: 'a',
    object: { apiVersion: 'wardle.example.com/v1alpha1', kind: 'Flunder', metadata: { name: 'a', labels }, spec: { replicas: 3 } },
    userInfo: { name: 'alice', groups: ['devs'], extra: {} },
  });

describe('matchConditions', () => {
  it('matches when every condition is true, and names the first false one', () => {
    const m = compileMatchConditions([
      { name: 'is-alice', expression: "request.userInfo.username == 'alice'" },
      { name: 'labelled', expression: "has(object.metadata.labels) && 'team' in object.metadata.labels" },
    ]);
    expect(m.match(attrs({ team: 'x' }))).toEqual({ matches: true });
    expect(m.match(attrs())).toEqual({ matches: false, failedConditionName: 'labelled' });
  });

  it('lets a false condition win over an error, and reports errors otherwise', () => {
    const m = compileMatchConditions([
      { name: 'errs', expression: 'object.spec.missing == 1' },
      { name: 'false', expression: "request.operation == 'DELETE'" },
    ]);
    expect(m.match(attrs())).toEqual({ matches: false, failedConditionName: 'false' });
    const e = compileMatchConditions([{ name: 'errs', expression: 'object.spec.missing == 1' }]);
    expect(() => e.match(attrs())).toThrow(MatchConditionError);
    expect(() => e.match(attrs())).toThrow(/^expression 'object.spec.missing == 1' resulted in error: /);
  });

  it('reports a compile error when evaluated, in upstream words', () => {
    const m = compileMatchConditions([{ name: 'bad', expression: 'authorizer.allowed()' }]);
    expect(() => m.match(attrs())).toThrow(/^compilation failed: ERROR: <input>:1:1: /);
    const typed = compileMatchConditions([{ name: 'int', expression: '1 + 1' }]);
    expect(() => typed.match(attrs())).toThrow('must evaluate to bool but got int');
  });
});

describe('variables', () => {
  it('are evaluated when read, once, and may use earlier ones', () => {
    const compiled = compileVariables(
      [
        { name: 'replicas', expression: 'object.spec.replicas' },
        { name: 'double', expression: 'variables.replicas * 2' },
        { name: 'broken', expression: '1 / 0' },
      ],
      false,
    );
    const a = attrs();
    const vars = activation({ object: a.object, oldObject: undefined, request: admissionRequest(a, a.resource, a.kind) });
    bindVariables(compiled, vars);
    const ok = compileExpression(compiled.env, 'variables.double == 6', ['bool']);
    expect(evaluateExpression(ok, vars, { remaining: 1e6 })).toEqual({ value: true });
    const bad = compileExpression(compiled.env, 'variables.broken > 0', ['bool']);
    expect(evaluateExpression(bad, vars, { remaining: 1e6 }).error).toMatch(
      /^expression 'variables.broken > 0' resulted in error: .*division by zero/,
    );
    // A later variable is not visible to an earlier one.
    const later = compileVariables(
      [
        { name: 'a', expression: 'variables.b' },
        { name: 'b', expression: '1' },
      ],
      false,
    );
    expect(later.variables[0]?.compiled.error).toMatch(/^compilation failed: /);
  });
});
