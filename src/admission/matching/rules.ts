/**
 * Whether a request falls under a rule (`webhook/predicates/rules`): its scope, operation, API group,
 * version and resource with subresource must all be listed, `*` standing for any.
 */
import type { Attributes } from '../interfaces.js';
import type { GroupVersionResource, NamedRuleWithOperations, RuleWithOperations } from './types.js';

/** What a rule looks at; `resource` may be another version's (matchPolicy Equivalent). */
export type RuleAttributes = Pick<Attributes, 'operation' | 'namespace' | 'subresource' | 'resource'>;

const exactOrWildcard = (items: readonly string[] | undefined, requested: string): boolean =>
  (items ?? []).some((item) => item === '*' || item === requested);

/** Namespaces are cluster-scoped, although a request on one carries its name as its namespace. */
const isNamespaceResource = (r: GroupVersionResource): boolean => r.group === '' && r.version === 'v1' && r.resource === 'namespaces';

export function ruleMatches(rule: RuleWithOperations, attrs: RuleAttributes, resource: GroupVersionResource = attrs.resource): boolean {
  return (
    scopeMatches(rule, attrs, resource) &&
    (rule.operations ?? []).some((op) => op === '*' || op === attrs.operation) &&
    exactOrWildcard(rule.apiGroups, resource.group) &&
    exactOrWildcard(rule.apiVersions, resource.version) &&
    resourceMatches(rule, resource.resource, attrs.subresource)
  );
}

/** A policy's rule: the rule, and the request's name among resourceNames when it lists any. */
export function namedRuleMatches(
  rule: NamedRuleWithOperations,
  attrs: RuleAttributes & Pick<Attributes, 'name'>,
  resource: GroupVersionResource = attrs.resource,
): boolean {
  if (!ruleMatches(rule, attrs, resource)) return false;
  // A create relying on generateName has no name yet, and so matches no resourceNames (as upstream).
  return !rule.resourceNames?.length || rule.resourceNames.includes(attrs.name);
}

function scopeMatches(rule: RuleWithOperations, attrs: RuleAttributes, resource: GroupVersionResource): boolean {
  switch (rule.scope ?? '*') {
    case '*':
      return true;
    case 'Namespaced':
      return !isNamespaceResource(resource) && attrs.namespace !== '';
    case 'Cluster':
      return isNamespaceResource(resource) || attrs.namespace === '';
    default:
      return false;
  }
}

function resourceMatches(rule: RuleWithOperations, resource: string, subresource: string): boolean {
  return (rule.resources ?? []).some((entry) => {
    const slash = entry.indexOf('/');
    const res = slash < 0 ? entry : entry.slice(0, slash);
    const sub = slash < 0 ? '' : entry.slice(slash + 1);
    return (res === '*' || res === resource) && (sub === '*' || sub === subresource);
  });
}

/**
 * Webhooks and policies never see the objects that configure admission
 * (`IsExemptAdmissionConfigurationResource`): one could otherwise lock every change to itself out.
 */
export function isExemptAdmissionConfigurationResource(attrs: Pick<Attributes, 'kind'>): boolean {
  return (
    attrs.kind.group === 'admissionregistration.k8s.io' &&
    [
      'ValidatingWebhookConfiguration',
      'MutatingWebhookConfiguration',
      'ValidatingAdmissionPolicy',
      'ValidatingAdmissionPolicyBinding',
      'MutatingAdmissionPolicy',
      'MutatingAdmissionPolicyBinding',
    ].includes(attrs.kind.kind)
  );
}
