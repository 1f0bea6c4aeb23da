/**
 * What both webhook plugins share (`webhook/generic`): the configured webhooks in order, readiness, and
 * `ShouldCallHook`, which decides whether a webhook is called for a request and in which version.
 */
import { isNotFound, newForbidden, newInternalError, StatusError } from '../../../apimachinery/errors.js';
import { compileMatchConditions, type MatchConditionsMatcher } from '../../cel/match-conditions.js';
import type { ConfigurationSource } from '../../configuration.js';
import { admissionForbidden } from '../../errors.js';
import type { Attributes } from '../../interfaces.js';
import { isExemptAdmissionConfigurationResource, labelSelectorIsEmpty, type MatchedResource, matchWebhook } from '../../matching/index.js';
import type { NamespaceSource } from '../namespace-lifecycle.js';
import type { ServiceResolver } from './client.js';
import type { ValidatingWebhook } from './types.js';

export interface WebhookPluginOptions<C> {
  configurations: ConfigurationSource<C>;
  /** The cluster's namespaces, for namespaceSelector; without them a namespace is known by its name only. */
  namespaces?: NamespaceSource;
  /** Where a service reference is dialled; the cluster DNS name by default. */
  resolveService?: ServiceResolver;
}

/** A webhook with what identifies it across configurations. */
export interface Hook<W extends ValidatingWebhook> {
  webhook: W;
  /** `<configuration>/<webhook>/<n>`, n counting webhooks of the same name in the configuration. */
  uid: string;
  configurationName: string;
}

/** How long admission waits for the first list of configurations (`WaitForReady`'s timeout). */
const READY_TIMEOUT_MS = 10_000;

/**
 * The webhooks to offer the request to: every configuration's, configurations by name, webhooks in their
 * order. None for the objects that configure admission. Refuses with 403 while the lists have not arrived.
 */
export async function hooksFor<W extends ValidatingWebhook>(
  opts: WebhookPluginOptions<{ metadata: { name: string }; webhooks?: W[] }>,
  attrs: Attributes,
): Promise<Hook<W>[]> {
  if (isExemptAdmissionConfigurationResource(attrs)) return [];
  const ready = await Promise.all([
    opts.configurations.waitForSync(READY_TIMEOUT_MS),
    opts.namespaces?.waitForSync(READY_TIMEOUT_MS) ?? true,
  ]);
  if (!ready.every(Boolean)) throw admissionForbidden(attrs, 'not yet ready to handle request');
  const hooks: Hook<W>[] = [];
  for (const c of opts.configurations.items()) {
    const seen = new Map<string, number>();
    for (const webhook of c.webhooks ?? []) {
      const n = seen.get(webhook.name) ?? 0;
      seen.set(webhook.name, n + 1);
      hooks.push({ webhook, uid: `${c.metadata.name}/${webhook.name}/${n}`, configurationName: c.metadata.name });
    }
  }
  return hooks;
}

/**
 * The request's namespace, looked up once per request and only if a selector needs it: undefined when it
 * does not exist (which the selector reports as its 404).
 */
export function namespaceLookup(source: NamespaceSource | undefined, attrs: Attributes): () => Promise<unknown> {
  let found: Promise<unknown> | undefined;
  const lookup = async (): Promise<unknown> => {
    if (!source) return { metadata: { name: attrs.namespace } };
    const cached = source.cached(attrs.namespace);
    if (cached) return cached;
    try {
      return await source.live(attrs.namespace);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err instanceof StatusError ? err : newInternalError(err);
    }
  };
  return () => {
    found ??= lookup();
    return found;
  };
}

/**
 * `ShouldCallHook`: the selectors and rules (see matchWebhook), then matchConditions on the request in the
 * matched version. A condition that cannot be evaluated refuses the request (403) under failurePolicy Fail
 * and skips the webhook under Ignore.
 */
export async function shouldCallHook(
  webhook: ValidatingWebhook,
  attrs: Attributes,
  namespace: () => Promise<unknown>,
): Promise<MatchedResource | undefined> {
  const needsNamespace =
    !labelSelectorIsEmpty(webhook.namespaceSelector) && (attrs.namespace !== '' || attrs.resource.resource === 'namespaces');
  const matched = matchWebhook(webhook, attrs, needsNamespace ? await namespace() : undefined);
  if (!matched || !webhook.matchConditions?.length) return matched;
  const versioned = versionedAttributes(attrs, matched);
  try {
    // Upstream gives the conditions the request's resource with the matched kind, and no namespaceObject.
    if (!matcherFor(webhook).match({ ...versioned, resource: attrs.resource }).matches) return undefined;
  } catch (err) {
    if (webhook.failurePolicy === 'Ignore') return undefined;
    const message = err instanceof StatusError ? (err.status.message ?? '') : (err as Error).message;
    throw newForbidden({ group: attrs.resource.group, resource: attrs.resource.resource }, attrs.name, message);
  }
  return matched;
}

const matchers = new WeakMap<ValidatingWebhook, MatchConditionsMatcher | Error>();

/** A webhook's conditions compiled once per configuration as seen (a new list brings new objects). */
function matcherFor(webhook: ValidatingWebhook): MatchConditionsMatcher {
  let m = matchers.get(webhook);
  if (!m) {
    try {
      m = compileMatchConditions(webhook.matchConditions ?? []);
    } catch (err) {
      m = err instanceof Error ? err : new Error(String(err));
    }
    matchers.set(webhook, m);
  }
  if (m instanceof Error) throw m;
  return m;
}

/** The request as a webhook matched it: its kind, and its objects converted when matched in another version. */
export function versionedAttributes(attrs: Attributes, matched: MatchedResource): Attributes {
  if (!matched.equivalent || !attrs.equivalents) return { ...attrs, kind: matched.kind };
  const { convert } = attrs.equivalents;
  try {
    return {
      ...attrs,
      kind: matched.kind,
      object: attrs.object && convert(attrs.object, matched.kind.version),
      oldObject: attrs.oldObject && convert(attrs.oldObject, matched.kind.version),
    };
  } catch (err) {
    throw err instanceof StatusError ? err : newInternalError(err);
  }
}

/** `AddAnnotation`: an annotation once set keeps its value. */
export function addAuditAnnotation(attrs: Attributes, key: string, value: string): void {
  if (attrs.auditAnnotations && !(key in attrs.auditAnnotations)) attrs.auditAnnotations[key] = value;
}
