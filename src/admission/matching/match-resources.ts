/**
 * Which requests a webhook (`generic.Webhook.ShouldCallHook`) or an admission policy (`policy/matching`)
 * applies to, and in which version: the selectors, then the rules against the request's own resource, then
 * (matchPolicy Equivalent, the API's default) against the same resource in the other versions it is served in.
 * Errors (a selector that does not parse, a namespace that does not exist) are thrown as StatusErrors, and only
 * for requests the rules select.
 */
import type { Attributes } from '../interfaces.js';
import { namedRuleMatches } from './rules.js';
import { matchNamespaceSelector, matchObjectSelector } from './selectors.js';
import type {
  GroupVersionKind,
  GroupVersionResource,
  LabelSelector,
  MatchPolicyType,
  MatchResources,
  NamedRuleWithOperations,
  RuleWithOperations,
} from './types.js';

/** The resource and kind a request matched as, which is what a webhook or policy is told it is. */
export interface MatchedResource {
  resource: GroupVersionResource;
  kind: GroupVersionKind;
  /**
   * Matched through another version whose kind differs from the request's, so the object and old object must
   * be converted (`attrs.equivalents.convert`) to `kind.version` first.
   */
  equivalent: boolean;
}

/** A webhook's fields that decide whether it is called (matchConditions aside). */
export interface WebhookMatchCriteria {
  namespaceSelector?: LabelSelector;
  objectSelector?: LabelSelector;
  matchPolicy?: MatchPolicyType;
  rules?: RuleWithOperations[];
}

/**
 * A policy's matchConstraints or a binding's matchResources: excludeResourceRules win, and no resourceRules
 * at all match every request.
 */
export function matchResources(criteria: MatchResources, attrs: Attributes, namespaceObject: unknown): MatchedResource | undefined {
  return matchSelectorsThen(criteria, attrs, namespaceObject, () => {
    const policy = criteria.matchPolicy ?? 'Equivalent';
    if (criteria.excludeResourceRules?.length && matchRules(criteria.excludeResourceRules, policy, attrs)) return undefined;
    if (!criteria.resourceRules?.length) return { resource: attrs.resource, kind: attrs.kind, equivalent: false };
    return matchRules(criteria.resourceRules, policy, attrs);
  });
}

/** A webhook: a webhook without rules is called for nothing. */
export function matchWebhook(criteria: WebhookMatchCriteria, attrs: Attributes, namespaceObject: unknown): MatchedResource | undefined {
  return matchSelectorsThen(criteria, attrs, namespaceObject, () =>
    matchRules(criteria.rules ?? [], criteria.matchPolicy ?? 'Equivalent', attrs),
  );
}

function matchSelectorsThen(
  criteria: { namespaceSelector?: LabelSelector; objectSelector?: LabelSelector },
  attrs: Attributes,
  namespaceObject: unknown,
  rules: () => MatchedResource | undefined,
): MatchedResource | undefined {
  const namespace = matchNamespaceSelector(criteria.namespaceSelector, attrs, namespaceObject);
  if (!namespace.matches && !namespace.error) return undefined;
  const object = matchObjectSelector(criteria.objectSelector, attrs);
  if (!object.matches && !object.error) return undefined;
  const matched = rules();
  if (!matched) return undefined;
  if (namespace.error) throw namespace.error;
  if (object.error) throw object.error;
  return matched;
}

/** Earlier rules first: each rule is tried against the request's version, then against every other one. */
function matchRules(rules: readonly NamedRuleWithOperations[], policy: MatchPolicyType, attrs: Attributes): MatchedResource | undefined {
  if (rules.some((r) => namedRuleMatches(r, attrs))) return { resource: attrs.resource, kind: attrs.kind, equivalent: false };
  if (policy !== 'Equivalent') return undefined;
  const others = equivalentsOf(attrs);
  for (const rule of rules) {
    const found = others.find((e) => namedRuleMatches(rule, attrs, e.resource));
    if (found) return found;
  }
  return undefined;
}

/**
 * The request's resource in its other versions. The kind follows the version when the request is on the
 * resource's own kind (the object or its status); a subresource with a kind of its own (Scale) keeps it.
 */
function equivalentsOf(attrs: Attributes): MatchedResource[] {
  const versions = attrs.equivalents?.versions ?? [];
  const ownKind = versions.find((v) => v.version === attrs.resource.version)?.kind ?? attrs.kind.kind;
  const kindFollows = attrs.kind.group === attrs.resource.group && attrs.kind.kind === ownKind;
  return versions
    .filter((v) => v.version !== attrs.resource.version)
    .map((v) => ({
      resource: { ...attrs.resource, version: v.version },
      kind: kindFollows ? { group: attrs.kind.group, version: v.version, kind: v.kind } : attrs.kind,
      equivalent: kindFollows,
    }));
}
