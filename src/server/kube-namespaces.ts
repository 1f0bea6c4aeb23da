/**
 * The cluster's namespaces for NamespaceLifecycle and the namespaceSelectors: an informer (watchedList) and a
 * live read. A namespace seen deleted is remembered a while, since a cache may still hold it recreated.
 */
import * as k8s from '@kubernetes/client-node';
import type { Namespace, NamespaceSource } from '../admission/plugins/namespace-lifecycle.js';
import { newInternalError, newNotFound } from '../apimachinery/errors.js';
import { watchedList } from './kube-watched-list.js';

/** How long a namespace seen deleted makes a cached, active one suspect (`forceLiveLookupTTL`). */
const FORCE_LIVE_LOOKUP_TTL_MS = 30_000;

export interface KubeNamespaces extends NamespaceSource {
  start(): void;
  stop(): Promise<void>;
}

export function kubeNamespaces(kc: k8s.KubeConfig, warn: (msg: string, err?: unknown) => void): KubeNamespaces {
  const api = kc.makeApiClient(k8s.CoreV1Api);
  const deleted = new Map<string, number>();
  const list = watchedList<Namespace>(kc, { path: '/api/v1/namespaces', list: () => api.listNamespace() }, warn, (ns) => {
    if (ns.metadata?.name) deleted.set(ns.metadata.name, Date.now() + FORCE_LIVE_LOOKUP_TTL_MS);
  });
  return {
    start: () => list.start(),
    stop: () => list.stop(),
    waitForSync: (timeoutMs) => list.waitForSync(timeoutMs),
    cached: (name) => list.get(name),
    recentlyDeleted(name) {
      const until = deleted.get(name);
      if (until === undefined) return false;
      if (until > Date.now()) return true;
      deleted.delete(name);
      return false;
    },
    async live(name) {
      try {
        return (await api.readNamespace({ name })) as Namespace;
      } catch (err) {
        const code = (err as { code?: number }).code;
        if (code === 404) throw newNotFound({ group: '', resource: 'namespaces' }, name);
        throw newInternalError(err);
      }
    },
  };
}
