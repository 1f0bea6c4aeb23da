/**
 * NamespaceLifecycle (k8s.io/apiserver's `plugin/namespace/lifecycle`): nothing is created or changed in a
 * namespace that does not exist (404 `namespaces "x" not found`, the kube-apiserver's own answer), and
 * nothing is created in one being deleted (403). Namespaces come from an informer's cache; a create that
 * misses it waits a moment for the cache, then asks the kube-apiserver, as does any write in a namespace the
 * cache still shows active after it was seen deleted. Deletes and cluster-scoped resources always pass.
 */
import { admissionForbidden as forbidden } from '../errors.js';
import type { Attributes, Plugin } from '../interfaces.js';

export interface Namespace {
  metadata?: { name?: string; labels?: Record<string, string> };
  status?: { phase?: string };
}

/** The namespaces the plugin sees: a cache kept by a watch, and a live read for when it cannot be trusted. */
export interface NamespaceSource {
  /** Resolves once the cache has listed, or false when it could not in `timeoutMs`. */
  waitForSync(timeoutMs: number): Promise<boolean>;
  cached(name: string): Namespace | undefined;
  /** The kube-apiserver's answer: the namespace, or its 404 as a StatusError. */
  live(name: string): Promise<Namespace>;
  /** Whether the namespace was seen deleted within the last `ttlMs` (a cache may still hold a recreated one stale). */
  recentlyDeleted(name: string): boolean;
}

/** How long a create that misses the cache waits for it (`missingNamespaceWait`). */
const MISSING_NAMESPACE_WAIT_MS = 50;
/** How long admission waits for the first list before refusing (`WaitForReady`'s timeout). */
const READY_TIMEOUT_MS = 10_000;

export function namespaceLifecycle(source: NamespaceSource): Plugin {
  return {
    name: 'NamespaceLifecycle',
    handles: (op) => op === 'CREATE' || op === 'UPDATE',
    async admit(a: Attributes) {
      if (a.namespace === '') return;
      if (!(await source.waitForSync(READY_TIMEOUT_MS))) throw forbidden(a, 'not yet ready to handle request');
      let namespace = source.cached(a.namespace);
      if (!namespace && a.operation === 'CREATE') {
        // Give the cache time to see a namespace created just before the object.
        await new Promise((r) => setTimeout(r, MISSING_NAMESPACE_WAIT_MS));
        namespace = source.cached(a.namespace);
      }
      const stale = namespace !== undefined && namespace.status?.phase === 'Active' && source.recentlyDeleted(a.namespace);
      if (!namespace || stale) namespace = await source.live(a.namespace);
      if (a.operation === 'CREATE' && namespace.status?.phase === 'Terminating') {
        const err = forbidden(a, `unable to create new content in namespace ${a.namespace} because it is being terminated`);
        err.status.details = {
          ...err.status.details,
          causes: [
            { reason: 'NamespaceTerminating', message: `namespace ${a.namespace} is being terminated`, field: 'metadata.namespace' },
          ],
        };
        throw err;
      }
    },
  };
}
