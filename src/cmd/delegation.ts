/**
 * The kube-apiserver `serve` delegates to, reached before anything else starts: every request is reviewed
 * by it, so a server that cannot reach it must not start (and look ready), and says what to pass instead.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { checkReachable, loadKubeConfig, serverOf } from '../server/kube-client.js';

export interface Delegation {
  /** For TokenReviews and the `extension-apiserver-authentication` ConfigMap. */
  authentication: KubeConfig;
  /** For SubjectAccessReviews. */
  authorization: KubeConfig;
}

/** Each kubeconfig path, when absent, means the pod's in-cluster ServiceAccount. */
export async function connectDelegation(
  authenticationKubeconfig: string | undefined,
  authorizationKubeconfig: string | undefined,
): Promise<Delegation> {
  let authentication: KubeConfig;
  let authorization: KubeConfig;
  try {
    authentication = loadKubeConfig(authenticationKubeconfig);
    authorization = loadKubeConfig(authorizationKubeconfig);
  } catch (err) {
    throw new Error(
      `no kube-apiserver to delegate authentication and authorization to: ${err instanceof Error ? err.message : String(err)}; ` +
        'run in a cluster, or pass --kubeconfig (or --authentication-kubeconfig and --authorization-kubeconfig); ' +
        'to try the server without a cluster, run `aggregated-apiserver local`',
    );
  }
  await checkReachable(authorization);
  if (serverOf(authentication) !== serverOf(authorization)) await checkReachable(authentication);
  return { authentication, authorization };
}
