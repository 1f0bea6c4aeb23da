/**
 * A policy's `variables` (upstream's composition): each compiles in an environment that knows the variables
 * declared before it, and is evaluated when an expression first reads it, once per activation. Its error is
 * the error of the expression that read it; a variable nothing reads costs nothing.
 */
import type { Environment } from '@marcbachmann/cel-js';
import { errorText } from '../../cel/issues.js';
import { type CompiledExpression, compileExpression } from './compile.js';
import { admissionEnvironment, VariablesValue } from './environment.js';

export interface Variable {
  name: string;
  expression: string;
}

export interface CompiledVariables {
  variables: { name: string; compiled: CompiledExpression }[];
  /** The environment of the policy's other expressions: every variable declared. */
  env: Environment;
}

export function compileVariables(variables: readonly Variable[], params: boolean): CompiledVariables {
  const compiled: CompiledVariables['variables'] = [];
  for (const v of variables) {
    const env = admissionEnvironment({ params, variables: compiled.map((c) => c.name) });
    compiled.push({ name: v.name, compiled: compileExpression(env, v.expression, 'any') });
  }
  return { variables: compiled, env: admissionEnvironment({ params, variables: compiled.map((c) => c.name) }) };
}

/** Adds `variables` to an activation; reading one evaluates it within the reading expression's cost. */
export function bindVariables(compiled: CompiledVariables, vars: Record<string, unknown>): void {
  const value = new VariablesValue();
  for (const { name, compiled: c } of compiled.variables) {
    let state: { value: unknown } | { error: Error } | undefined;
    Object.defineProperty(value, name, {
      enumerable: true,
      get() {
        if (!state) {
          if (c.error !== undefined) state = { error: new Error(c.error) };
          else {
            try {
              state = { value: c.program(vars) };
            } catch (err) {
              state = { error: new Error(errorText(err)) };
            }
          }
        }
        if ('error' in state) throw state.error;
        return state.value;
      },
    });
  }
  vars.variables = value;
}
