/**
 * Delegated authorization (`pkg/server/options/authorization.go`): the kubeconfig to reach the
 * kube-apiserver (and `--kubeconfig`, the default of both delegations'), the SubjectAccessReview caches,
 * and the paths anyone may reach.
 */
import type { Command } from 'commander';
import type { DelegatingAuthorizerConfig } from '../../authorization/delegating.js';
import type { SubjectAccessReviewer } from '../../authorization/subject-access-review.js';
import type { Metrics } from '../../metrics/metrics.js';
import { list, parseDuration } from './parse.js';

/** The kubelet probes these without credentials. */
export const DEFAULT_ALWAYS_ALLOW_PATHS = ['/healthz', '/readyz', '/livez'];

export class DelegatingAuthorizationOptions {
  /** Absent: `--kubeconfig`, else in-cluster (see ServeOptions.complete). */
  authorizationKubeconfig: string | undefined = undefined;
  /** Listed here, right after both delegations' own kubeconfig flags, which its help calls "the two above". */
  kubeconfig: string | undefined = undefined;
  authorizationWebhookCacheAuthorizedTtl = 10;
  authorizationWebhookCacheUnauthorizedTtl = 10;
  authorizationAlwaysAllowPaths = DEFAULT_ALWAYS_ALLOW_PATHS;

  addFlags(cmd: Command): void {
    cmd
      .option(
        '--authorization-kubeconfig <path>',
        'kubeconfig file pointing at the core kubernetes server with enough rights to create subjectaccessreviews.authorization.k8s.io; default: in-cluster',
      )
      .option('--kubeconfig <path>', 'kubeconfig file pointing at the core kubernetes server (default for the two above)')
      .option(
        '--authorization-webhook-cache-authorized-ttl <duration>',
        "the duration to cache 'authorized' responses from the webhook authorizer",
        parseDuration,
        this.authorizationWebhookCacheAuthorizedTtl,
      )
      .option(
        '--authorization-webhook-cache-unauthorized-ttl <duration>',
        "the duration to cache 'unauthorized' responses from the webhook authorizer",
        parseDuration,
        this.authorizationWebhookCacheUnauthorizedTtl,
      )
      // No commander default: it would append the given paths to it instead of replacing it.
      .option(
        '--authorization-always-allow-paths <paths>',
        `a list of HTTP paths to skip during authorization (default: ${this.authorizationAlwaysAllowPaths.join(',')})`,
        list,
      );
  }

  /** The authorizer's config, over the SubjectAccessReview client start-up made. */
  toConfig(review: SubjectAccessReviewer, metrics: Metrics): DelegatingAuthorizerConfig {
    return {
      alwaysAllowPaths: this.authorizationAlwaysAllowPaths,
      decider: {
        review,
        authorizedTTLSeconds: this.authorizationWebhookCacheAuthorizedTtl,
        unauthorizedTTLSeconds: this.authorizationWebhookCacheUnauthorizedTtl,
        metrics,
      },
    };
  }
}
