/** Which requests webhooks and admission policies apply to, shared by both plugins. */
export { labelSelectorError, labelSelectorIsEmpty, labelSelectorMatches } from './label-selector.js';
export { type MatchedResource, matchResources, matchWebhook, type WebhookMatchCriteria } from './match-resources.js';
export { isExemptAdmissionConfigurationResource, namedRuleMatches, type RuleAttributes, ruleMatches } from './rules.js';
export { matchNamespaceSelector, matchObjectSelector, type SelectorResult } from './selectors.js';
export type * from './types.js';
