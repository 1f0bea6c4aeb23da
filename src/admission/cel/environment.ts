/**
 * The CEL environment of admission expressions (k8s.io/apiserver's `plugin/cel`): the Kubernetes libraries,
 * with `object`, `oldObject`, `request` and `namespaceObject` always declared, `params` when the policy has a
 * paramKind, and `variables` when it declares any. Values are untyped (dyn): a policy is not checked against
 * the schema of what it matches. `authorizer` is not offered: an expression naming it does not compile.
 */
import type { Environment } from '@marcbachmann/cel-js';
import { kubernetesEnvironment } from '../../cel/environment.js';

export interface Declarations {
  params: boolean;
  /** The names of the variables an expression may use (those declared before it, for a variable). */
  variables?: readonly string[];
}

/** Upstream's name of the type whose fields are the policy's variables. */
export const VARIABLES_TYPE = 'kubernetes.variables';

/** The type of `variables`: an object whose fields are evaluated when first read, then remembered. */
export class VariablesValue {}

const base = kubernetesEnvironment()
  .registerVariable('object', 'dyn')
  .registerVariable('oldObject', 'dyn')
  .registerVariable('request', 'dyn')
  .registerVariable('namespaceObject', 'dyn');
const withParams = base.clone().registerVariable('params', 'dyn');

export function admissionEnvironment(decl: Declarations): Environment {
  const env = decl.params ? withParams : base;
  if (decl.variables === undefined) return env;
  const fields = Object.fromEntries(decl.variables.map((v) => [v, 'dyn']));
  return env.clone().registerType(VARIABLES_TYPE, { ctor: VariablesValue, fields }).registerVariable('variables', VARIABLES_TYPE);
}
