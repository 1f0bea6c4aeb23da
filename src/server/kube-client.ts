/**
 * The connection to the kube-apiserver that delegated authentication and authorization use: a kubeconfig
 * file, or the pod's in-cluster ServiceAccount. Reviews and the trust ConfigMap go through it.
 */
import * as k8s from '@kubernetes/client-node';
import type { TokenReviewStatus } from '../authentication/token-review.js';
import type { SubjectAccessReviewSpec, SubjectAccessReviewStatus } from '../authorization/subject-access-review.js';

export function loadKubeConfig(path: string | undefined): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  if (path) kc.loadFromFile(path);
  else kc.loadFromCluster();
  return kc;
}

export function tokenReviewer(kc: k8s.KubeConfig): (token: string) => Promise<TokenReviewStatus> {
  const api = kc.makeApiClient(k8s.AuthenticationV1Api);
  return async (token) => {
    const res = await api.createTokenReview({ body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } } });
    return (res.status ?? {}) as TokenReviewStatus;
  };
}

export function subjectAccessReviewer(kc: k8s.KubeConfig): (spec: SubjectAccessReviewSpec) => Promise<SubjectAccessReviewStatus> {
  const api = kc.makeApiClient(k8s.AuthorizationV1Api);
  return async (spec) => {
    const res = await api.createSubjectAccessReview({ body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec } });
    return (res.status ?? {}) as SubjectAccessReviewStatus;
  };
}

/**
 * Watches one ConfigMap and calls `onChange` with its data on every change; the watch is re-opened when the
 * kube-apiserver ends it. Returns a function that stops watching.
 */
export function configMapWatcher(kc: k8s.KubeConfig): (namespace: string, name: string, onChange: (data: Record<string, string> | undefined) => void) => () => void {
  return (namespace, name, onChange) => {
    let stopped = false;
    let current: { abort: () => void } | undefined;
    const open = (): void => {
      if (stopped) return;
      new k8s.Watch(kc).watch(`/api/v1/namespaces/${namespace}/configmaps`, { fieldSelector: `metadata.name=${name}` },
        (type: string, obj: { data?: Record<string, string> }) => onChange(type === 'DELETED' ? undefined : obj.data ?? {}),
        () => { if (!stopped) setTimeout(open, 1000).unref(); },
      ).then((req) => { current = req; }, () => { if (!stopped) setTimeout(open, 5000).unref(); });
    };
    open();
    return () => {
      stopped = true;
      current?.abort();
    };
  };
}

/** The data of a ConfigMap, or undefined when it does not exist. */
export function configMapReader(kc: k8s.KubeConfig): (namespace: string, name: string) => Promise<Record<string, string> | undefined> {
  const api = kc.makeApiClient(k8s.CoreV1Api);
  return async (namespace, name) => {
    try {
      const cm = await api.readNamespacedConfigMap({ namespace, name });
      return cm.data ?? {};
    } catch (err) {
      if ((err as { code?: number }).code === 404) return undefined;
      throw err;
    }
  };
}
