/**
 * The cluster's namespaces for NamespaceLifecycle: an informer (list, then watch, re-listing after an
 * error) and a live read. The informer restarts itself when the kube-apiserver ends or breaks its watch.
 */
import * as k8s from '@kubernetes/client-node';
import type { Namespace, NamespaceSource } from '../admission/plugins/namespace-lifecycle.js';
import { newInternalError, newNotFound } from '../apimachinery/errors.js';

/** How long a namespace seen deleted makes a cached, active one suspect (`forceLiveLookupTTL`). */
const FORCE_LIVE_LOOKUP_TTL_MS = 30_000;

export interface KubeNamespaces extends NamespaceSource {
  start(): void;
  stop(): Promise<void>;
}

export function kubeNamespaces(kc: k8s.KubeConfig, warn: (msg: string, err?: unknown) => void): KubeNamespaces {
  const api = kc.makeApiClient(k8s.CoreV1Api);
  const informer = k8s.makeInformer<k8s.V1Namespace>(kc, '/api/v1/namespaces', () => api.listNamespace());
  const deleted = new Map<string, number>();
  let synced = false;
  let stopped = false;
  const waiters: (() => void)[] = [];
  informer.on('connect', () => {
    synced = true;
    for (const w of waiters.splice(0)) w();
  });
  informer.on('delete', (ns) => {
    if (ns.metadata?.name) deleted.set(ns.metadata.name, Date.now() + FORCE_LIVE_LOOKUP_TTL_MS);
  });
  informer.on('error', (err: unknown) => {
    if (stopped) return;
    warn('namespace informer failed, restarting in 5s', err);
    setTimeout(() => {
      if (!stopped) informer.start().catch((e: unknown) => warn('namespace informer failed to restart', e));
    }, 5000).unref();
  });
  return {
    start() {
      informer.start().catch((err: unknown) => warn('namespace informer failed to start', err));
    },
    async stop() {
      stopped = true;
      await informer.stop();
    },
    waitForSync(timeoutMs) {
      if (synced) return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = setTimeout(() => resolve(synced), timeoutMs);
        waiters.push(() => {
          clearTimeout(timer);
          resolve(true);
        });
      });
    },
    cached: (name) => informer.get(name) as Namespace | undefined,
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
