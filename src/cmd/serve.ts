/**
 * `aggregated-apiserver serve`: in a cluster, behind kube-apiserver's aggregation layer. Delegated
 * authentication (front-proxy certificates, TokenReview) and authorization (SubjectAccessReview) are not
 * in this release yet, so `serve` refuses to start rather than run without them.
 */
import type { Options } from './options.js';

export async function runServe(_opts: Options): Promise<void> {
  throw new Error('serve: delegated authentication and authorization are not available yet; use `local` for now');
}
