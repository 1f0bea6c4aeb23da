/**
 * What both policy plugins (validating and mutating) need of a request before they evaluate it, kept in one
 * place: their configuration listed (or upstream's 403 `not yet ready to handle request`), bindings grouped by
 * the policy they bind, and the request's namespace, looked up at most once.
 */
import type { ConfigurationSource } from '../../configuration.js';
import { admissionForbidden } from '../../errors.js';
import type { Attributes } from '../../interfaces.js';
import type { NamespaceSource } from '../namespace-lifecycle.js';

/** How long admission waits for the first list of policies and bindings. */
const READY_TIMEOUT_MS = 10_000;

export async function waitForPolicies(
  a: Attributes,
  policies: ConfigurationSource<unknown>,
  bindings: ConfigurationSource<unknown>,
): Promise<void> {
  const [policiesReady, bindingsReady] = await Promise.all([
    policies.waitForSync(READY_TIMEOUT_MS),
    bindings.waitForSync(READY_TIMEOUT_MS),
  ]);
  if (!policiesReady || !bindingsReady) throw admissionForbidden(a, 'not yet ready to handle request');
}

/** The bindings of each policy, by policy name, in the bindings' order. */
export function bindingsByPolicy<B extends { spec: { policyName: string } }>(bindings: readonly B[]): Map<string, B[]> {
  const byPolicy = new Map<string, B[]>();
  for (const b of bindings) {
    const list = byPolicy.get(b.spec.policyName) ?? [];
    list.push(b);
    byPolicy.set(b.spec.policyName, list);
  }
  return byPolicy;
}

/**
 * The request's namespace as policies see it (namespaceSelector, `namespaceObject`): none for cluster-scoped
 * requests or without a source; a namespace that does not exist is its 404. Looked up once, when first asked.
 */
export function namespaceOnce(source: NamespaceSource | undefined, a: Attributes): () => Promise<Record<string, unknown> | undefined> {
  let found: Promise<Record<string, unknown> | undefined> | undefined;
  const lookup = async (): Promise<Record<string, unknown> | undefined> => {
    if (!source || a.namespace === '') return undefined;
    return (source.cached(a.namespace) ?? (await source.live(a.namespace))) as Record<string, unknown>;
  };
  return () => {
    found ??= lookup();
    return found;
  };
}
