/** MutatingAdmissionPolicy and its binding (admissionregistration.k8s.io/v1), the fields admission reads. */
import type { MatchCondition } from '../../../cel/match-conditions.js';
import type { Variable } from '../../../cel/variables.js';
import type { MatchResources } from '../../../matching/types.js';
import type { FailurePolicy, ParamKind, ParamRef } from '../validating/types.js';

export type PatchType = 'ApplyConfiguration' | 'JSONPatch';
export type ReinvocationPolicy = 'Never' | 'IfNeeded';

export interface Mutation {
  patchType: PatchType;
  applyConfiguration?: { expression: string };
  jsonPatch?: { expression: string };
}

export interface MutatingAdmissionPolicy {
  metadata: { name: string; uid?: string; resourceVersion?: string };
  spec: {
    paramKind?: ParamKind;
    matchConstraints?: MatchResources;
    variables?: Variable[];
    mutations?: Mutation[];
    failurePolicy?: FailurePolicy;
    matchConditions?: MatchCondition[];
    reinvocationPolicy?: ReinvocationPolicy;
  };
}

export interface MutatingAdmissionPolicyBinding {
  metadata: { name: string; uid?: string; resourceVersion?: string };
  spec: {
    policyName: string;
    paramRef?: ParamRef;
    matchResources?: MatchResources;
  };
}
