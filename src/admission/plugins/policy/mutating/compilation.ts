/**
 * A MutatingAdmissionPolicy compiled once per version of it (`mutating.compilePolicy`): its variables and
 * matchConditions in the policy's environment, and each mutation in that environment with the patch types
 * added. An ApplyConfiguration must evaluate to `Object`, a JSONPatch to `list(JSONPatch)`; our variables are
 * untyped, so an expression of type dyn passes here and its value is checked when evaluated. Errors are kept
 * beside the expression and become its evaluation error, decided by the failure policy.
 */
import { instrument } from '../../../../cel/cost.js';
import { compileIssue } from '../../../../cel/issues.js';
import { type CompiledExpression, compileExpression } from '../../../cel/compile.js';
import { type CompiledVariables, compileVariables } from '../../../cel/variables.js';
import { isPatchTypeName, JSON_PATCH_TYPE, OBJECT_TYPE, rewriteInitializers } from './initializers.js';
import { JSON_PATCH_FIELDS, patchEnvironment } from './patch-types.js';
import type { MutatingAdmissionPolicy, PatchType } from './types.js';

export interface CompiledMutation {
  patchType: PatchType;
  compiled: CompiledExpression;
}

export interface CompiledPolicy {
  policy: MutatingAdmissionPolicy;
  variables: CompiledVariables;
  matchConditions: { name: string; compiled: CompiledExpression }[];
  /** In the order of the policy's mutations; a mutation with neither expression has none, as upstream. */
  mutations: CompiledMutation[];
}

/** Policies as last compiled, by object: an informer replaces the object when the policy changes. */
const cache = new WeakMap<MutatingAdmissionPolicy, CompiledPolicy>();

export function compilePolicy(policy: MutatingAdmissionPolicy): CompiledPolicy {
  const cached = cache.get(policy);
  if (cached) return cached;
  const spec = policy.spec;
  const variables = compileVariables(spec.variables ?? [], spec.paramKind !== undefined);
  const mutations: CompiledMutation[] = [];
  for (const m of spec.mutations ?? []) {
    if (m.patchType === 'ApplyConfiguration' && m.applyConfiguration) {
      mutations.push({ patchType: m.patchType, compiled: compileMutation(variables, m.applyConfiguration.expression, m.patchType) });
    } else if (m.patchType === 'JSONPatch' && m.jsonPatch) {
      mutations.push({ patchType: m.patchType, compiled: compileMutation(variables, m.jsonPatch.expression, m.patchType) });
    }
  }
  const compiled: CompiledPolicy = {
    policy,
    variables,
    matchConditions: (spec.matchConditions ?? []).map((c) => ({
      name: c.name,
      compiled: compileExpression(variables.env, c.expression, ['bool']),
    })),
    mutations,
  };
  cache.set(policy, compiled);
  return compiled;
}

/** The types each patch type's expression may have: upstream's exact one, and dyn (see the module comment). */
const RETURN_TYPES: Record<PatchType, { shown: string; accepted: string[] }> = {
  ApplyConfiguration: { shown: OBJECT_TYPE, accepted: [OBJECT_TYPE, 'dyn'] },
  JSONPatch: { shown: `list(${JSON_PATCH_TYPE})`, accepted: [`list<${JSON_PATCH_TYPE}>`, 'list<dyn>', 'list<T>', 'dyn'] },
};

export function compileMutation(variables: CompiledVariables, expression: string, patchType: PatchType): CompiledExpression {
  const rewritten = rewriteInitializers(expression);
  const failed = (err: unknown, at?: number): CompiledExpression => {
    const e = err as { summary?: string; message?: string; range?: { start: number } };
    const start = at ?? rewritten.original(e.range?.start ?? 0);
    return {
      expression,
      error: `compilation failed: ${compileIssue({ summary: e.summary, message: e.message, range: { start } }, expression)}`,
    };
  };
  for (const init of rewritten.initializers) {
    if (init.typeName !== JSON_PATCH_TYPE) continue;
    const unknown = init.fields.find((f) => !JSON_PATCH_FIELDS.includes(f.name));
    if (unknown) return failed({ summary: `undefined field '${unknown.name}'` }, unknown.at);
  }
  const env = patchEnvironment(variables.env, rewritten);
  let program: NonNullable<CompiledExpression['program']>;
  try {
    program = env.parse(rewritten.source);
  } catch (err) {
    return failed(err);
  }
  const checked = program.check();
  if (!checked.valid) return failed(checked.error);
  const type = checked.type ?? 'dyn';
  const { shown, accepted } = RETURN_TYPES[patchType];
  if (!accepted.includes(type)) return { expression, error: `must evaluate to ${shown} but got ${celGoTypeName(type)}` };
  instrument(program.ast);
  return { expression, program };
}

/** cel-go's rendering of a type: `list(int)`, `map(string, dyn)`, and initializer types by name. */
function celGoTypeName(type: string): string {
  if (isPatchTypeName(type)) return type;
  return type.replace(/</g, '(').replace(/>/g, ')');
}
