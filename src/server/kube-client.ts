/**
 * The connection to the kube-apiserver that delegated authentication and authorization use: a kubeconfig
 * file, or the pod's in-cluster ServiceAccount. Reviews and the trust ConfigMap go through it.
 */
import * as k8s from '@kubernetes/client-node';
import type { TokenReviewStatus } from '../authentication/token-review.js';
import type { SubjectAccessReviewSpec, SubjectAccessReviewStatus } from '../authorization/subject-access-review.js';

export function loadKubeConfig(path: string | undefined): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  if (path) {
    kc.loadFromFile(path);
  } else {
    // Without these the client library builds `https://undefined:undefined` and fails on the first request.
    if (!process.env.KUBERNETES_SERVICE_HOST || !process.env.KUBERNETES_SERVICE_PORT) {
      throw new Error('not running in a cluster (KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set) and no kubeconfig given');
    }
    kc.loadFromCluster();
  }
  return kc;
}

/** The kube-apiserver a kubeconfig points at, for messages. */
export function serverOf(kc: k8s.KubeConfig): string {
  return kc.getCurrentCluster()?.server ?? '(no server)';
}

/** Fails unless the kube-apiserver answers `GET /version`; any HTTP answer, even an error, shows it is there. */
export async function checkReachable(kc: k8s.KubeConfig): Promise<void> {
  try {
    await kc.makeApiClient(k8s.VersionApi).getCode();
  } catch (err) {
    if (typeof (err as { code?: unknown }).code === 'number') return;
    throw new Error(`cannot reach the kube-apiserver at ${serverOf(kc)}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * Whether the kube-apiserver answered the last delegated review: a review that cannot be sent (connection
 * refused, DNS, TLS) fails every request, so /readyz reports it until a review gets through again.
 */
export class DelegationHealth {
  private lastError: string | undefined;

  /** Wraps a reviewer so its outcome is recorded: any HTTP answer means the kube-apiserver is reachable. */
  track<A, R>(review: (arg: A) => Promise<R>): (arg: A) => Promise<R> {
    return async (arg) => {
      try {
        const result = await review(arg);
        this.lastError = undefined;
        return result;
      } catch (err) {
        this.lastError = typeof (err as { code?: unknown }).code === 'number' ? undefined : String(err);
        throw err;
      }
    };
  }

  healthy(): boolean {
    return this.lastError === undefined;
  }
}

// What fixes a 403 from the kube-apiserver: the bindings every extension apiserver needs, which operators
// most often miss (upstream gives the first hint only).
const AUTH_DELEGATOR_HINT =
  "usually fixed by 'kubectl create clusterrolebinding CLUSTERROLEBINDING_NAME --clusterrole=system:auth-delegator --serviceaccount=YOUR_NS:YOUR_SA'";
const AUTH_READER_HINT =
  "usually fixed by 'kubectl create rolebinding -n kube-system ROLEBINDING_NAME --role=extension-apiserver-authentication-reader --serviceaccount=YOUR_NS:YOUR_SA'";

/**
 * The kube-apiserver's own message for a failed call (its Status, not the client library's dump of
 * headers), with what usually fixes a 403.
 */
export function kubeApiError(err: unknown, forbiddenHint: string): Error {
  const code = (err as { code?: unknown }).code;
  if (typeof code !== 'number') return err instanceof Error ? err : new Error(String(err));
  let body = (err as { body?: unknown }).body;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      // not a Status: keep the text
    }
  }
  const message = (body as { message?: unknown } | undefined)?.message;
  const text = typeof message === 'string' ? message : typeof body === 'string' && body ? body : `HTTP ${code}`;
  return Object.assign(new Error(code === 403 ? `${text}; ${forbiddenHint}` : text), { code });
}

export function tokenReviewer(kc: k8s.KubeConfig): (token: string) => Promise<TokenReviewStatus> {
  const api = kc.makeApiClient(k8s.AuthenticationV1Api);
  return async (token) => {
    try {
      const res = await api.createTokenReview({ body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } } });
      return (res.status ?? {}) as TokenReviewStatus;
    } catch (err) {
      throw kubeApiError(err, AUTH_DELEGATOR_HINT);
    }
  };
}

export function subjectAccessReviewer(kc: k8s.KubeConfig): (spec: SubjectAccessReviewSpec) => Promise<SubjectAccessReviewStatus> {
  const api = kc.makeApiClient(k8s.AuthorizationV1Api);
  return async (spec) => {
    try {
      const res = await api.createSubjectAccessReview({
        body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec },
      });
      return (res.status ?? {}) as SubjectAccessReviewStatus;
    } catch (err) {
      throw kubeApiError(err, AUTH_DELEGATOR_HINT);
    }
  };
}

/**
 * Watches one ConfigMap and calls `onChange` with its data on every change; the watch is re-opened when the
 * kube-apiserver ends it. Returns a function that stops watching.
 */
export function configMapWatcher(
  kc: k8s.KubeConfig,
): (namespace: string, name: string, onChange: (data: Record<string, string> | undefined) => void) => () => void {
  return (namespace, name, onChange) => {
    let stopped = false;
    let current: { abort: () => void } | undefined;
    const open = (): void => {
      if (stopped) return;
      new k8s.Watch(kc)
        .watch(
          `/api/v1/namespaces/${namespace}/configmaps`,
          { fieldSelector: `metadata.name=${name}` },
          (type: string, obj: { data?: Record<string, string> }) => onChange(type === 'DELETED' ? undefined : (obj.data ?? {})),
          () => {
            if (!stopped) setTimeout(open, 1000).unref();
          },
        )
        .then(
          (req) => {
            current = req;
          },
          () => {
            if (!stopped) setTimeout(open, 5000).unref();
          },
        );
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
      throw kubeApiError(err, AUTH_READER_HINT);
    }
  };
}
