/**
 * The authorizer of a delegated server (`DelegatingAuthorizationOptions` around
 * `authorizerfactory.DelegatingAuthorizerConfig`): members of `system:masters`, then the always-allow
 * paths, then a SubjectAccessReview to the kube-apiserver for everything else. Without a cluster, local
 * mode puts an authorizer of its own in the review's place.
 */
import type { Metrics } from '../metrics/metrics.js';
import { type Authorizer, unionAuthorizer } from './authorizer.js';
import { alwaysAllowGroups, alwaysAllowPaths } from './always-allow.js';
import { type ReviewCacheOptions, type SubjectAccessReviewer, subjectAccessReviewAuthorizer } from './subject-access-review.js';

/** The reviews, and how long their allowed and denied answers are cached. */
export interface SubjectAccessReviewConfig extends ReviewCacheOptions {
  review: SubjectAccessReviewer;
  metrics?: Metrics;
}

/** An authorizer under the name the union's NoOpinion reasons give it. */
export interface NamedAuthorizer {
  name: string;
  authorizer: Authorizer;
}

export interface DelegatingAuthorizerConfig {
  /** Groups allowed everything without a review; `system:masters` when absent, as upstream. */
  alwaysAllowGroups?: string[];
  /** Non-resource paths allowed to anyone (the kubelet probes without credentials). */
  alwaysAllowPaths: string[];
  /** Who decides what the rules above leave: SubjectAccessReviews, or local mode's own authorizer. */
  decider: SubjectAccessReviewConfig | NamedAuthorizer;
}

export function newDelegatingAuthorizer(config: DelegatingAuthorizerConfig): Authorizer {
  const { decider } = config;
  return unionAuthorizer(
    { name: 'kubernetes.io/always-allow-groups', authorizer: alwaysAllowGroups(config.alwaysAllowGroups) },
    { name: 'kubernetes.io/always-allow-paths', authorizer: alwaysAllowPaths(config.alwaysAllowPaths) },
    'review' in decider
      ? { name: 'kubernetes.io/webhook', authorizer: subjectAccessReviewAuthorizer(decider.review, decider, decider.metrics) }
      : decider,
  );
}
