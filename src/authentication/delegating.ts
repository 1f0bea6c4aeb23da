/**
 * The authenticator of a delegated server (`authenticatorfactory.DelegatingAuthenticatorConfig`): the front
 * proxy's request headers, then client certificates, then bearer tokens by TokenReview, in Kubernetes'
 * order and each only when configured, with `system:authenticated` added to every user found.
 */
import type { X509Certificate } from 'node:crypto';
import type { Metrics } from '../metrics/metrics.js';
import { type Authenticator, authenticatedGroupAdder, unionAuthenticator } from './authenticator.js';
import type { AuthenticationOptions } from './filter.js';
import { identityHeaders, type RequestHeaderConfig, requestHeaderAuthenticator } from './requestheader.js';
import { type TokenReviewer, tokenReviewAuthenticator } from './token-review.js';
import { x509Authenticator } from './x509.js';

export interface DelegatingAuthenticatorConfig {
  /** Requests with no credentials at all become `system:anonymous`; bad credentials are a 401 regardless. */
  anonymous: boolean;
  /**
   * The front proxy's CA, allowed names and headers. Both CAs are functions, read per request, so that a
   * CA rotated in the kube-apiserver's ConfigMap applies without a restart.
   */
  requestHeader?: () => RequestHeaderConfig | undefined;
  /** The CAs whose client certificates name a user (CN) and groups (O). */
  clientCA?: () => X509Certificate[];
  /** Bearer tokens, reviewed by the kube-apiserver; answers are cached for `cacheTTLSeconds`. */
  tokenReview?: { review: TokenReviewer; cacheTTLSeconds: number };
  metrics?: Metrics;
}

/** What the authentication stage of the chain needs: the authenticator, and the headers it must strip. */
export function newDelegatingAuthenticator(config: DelegatingAuthenticatorConfig): AuthenticationOptions {
  const { requestHeader, clientCA, tokenReview } = config;
  const authenticators: Authenticator[] = [];
  if (requestHeader) authenticators.push(requestHeaderAuthenticator(requestHeader));
  if (clientCA) authenticators.push(x509Authenticator(clientCA));
  if (tokenReview) authenticators.push(tokenReviewAuthenticator(tokenReview.review, tokenReview.cacheTTLSeconds, config.metrics));
  return {
    authenticator: authenticatedGroupAdder(unionAuthenticator(...authenticators)),
    anonymous: config.anonymous,
    ...(requestHeader
      ? {
          identityHeaders: () => {
            const rh = requestHeader();
            return rh ? identityHeaders(rh) : { names: [], prefixes: [] };
          },
        }
      : {}),
  };
}
