/**
 * The admissionregistration.k8s.io/v1 fields that decide which requests a webhook or an admission policy
 * sees (`Rule`, `RuleWithOperations`, `NamedRuleWithOperations`, `MatchResources`) and metav1.LabelSelector.
 */
import type { Operation } from '../interfaces.js';

export interface GroupVersionResource {
  group: string;
  version: string;
  resource: string;
}

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export type LabelSelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

export interface LabelSelectorRequirement {
  key: string;
  operator: LabelSelectorOperator;
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

/** A rule's operations: the ones admission sees, CONNECT (which this server does not serve), or `*`. */
export type OperationType = Operation | 'CONNECT' | '*';

export type ScopeType = '*' | 'Cluster' | 'Namespaced';

export interface RuleWithOperations {
  operations?: OperationType[];
  apiGroups?: string[];
  apiVersions?: string[];
  /** `resource` or `resource/subresource`, where either part may be `*` (`*` alone: any main resource). */
  resources?: string[];
  /** Defaults to `*`. */
  scope?: ScopeType;
}

/** A policy's rule, which may also name the objects it applies to. */
export interface NamedRuleWithOperations extends RuleWithOperations {
  resourceNames?: string[];
}

/**
 * Exact matches a request by the version it was made in only; Equivalent also by the other versions of the
 * same resource. The API defaults it to Equivalent.
 */
export type MatchPolicyType = 'Exact' | 'Equivalent';

/** A ValidatingAdmissionPolicy's matchConstraints and a binding's matchResources. */
export interface MatchResources {
  namespaceSelector?: LabelSelector;
  objectSelector?: LabelSelector;
  resourceRules?: NamedRuleWithOperations[];
  excludeResourceRules?: NamedRuleWithOperations[];
  matchPolicy?: MatchPolicyType;
}
