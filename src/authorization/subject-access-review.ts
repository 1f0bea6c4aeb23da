/**
 * Authorization by SubjectAccessReview to the kube-apiserver (`plugin/pkg/authorizer/webhook`): the review's
 * attributes are built from the request exactly as upstream does, decisions are cached (allowed and denied
 * for their own TTLs, 8192 entries, keyed on the review's spec), and identical reviews in flight share one
 * call. An error is never an Allow: the caller answers 500.
 */
import { LRUCache } from 'lru-cache';
import type { Metrics } from '../metrics/metrics.js';
import type { Attributes, Authorization, Authorizer, SelectorRequirement } from './authorizer.js';

export interface SubjectAccessReviewSpec {
  user: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
  resourceAttributes?: {
    namespace?: string;
    verb?: string;
    group?: string;
    version?: string;
    resource?: string;
    subresource?: string;
    name?: string;
    fieldSelector?: { requirements: SelectorRequirement[] };
    labelSelector?: { requirements: SelectorRequirement[] };
  };
  nonResourceAttributes?: { path: string; verb: string };
}

export interface SubjectAccessReviewStatus {
  allowed?: boolean;
  denied?: boolean;
  reason?: string;
  evaluationError?: string;
}

export type SubjectAccessReviewer = (spec: SubjectAccessReviewSpec) => Promise<SubjectAccessReviewStatus>;

export function reviewSpec(a: Attributes): SubjectAccessReviewSpec {
  const spec: SubjectAccessReviewSpec = { user: a.user.name, groups: a.user.groups };
  if (a.user.uid) spec.uid = a.user.uid;
  if (Object.keys(a.user.extra).length > 0) spec.extra = a.user.extra;
  if (a.isResourceRequest) {
    // Empty strings are left out, as Go's omitempty does on the wire; in the order Go writes the fields (the
    // cache key is this spec's JSON). Assigned one by one: this runs on every authorized request.
    const ra: NonNullable<SubjectAccessReviewSpec['resourceAttributes']> = {};
    if (a.namespace !== '') ra.namespace = a.namespace;
    if (a.verb !== '') ra.verb = a.verb;
    if (a.apiGroup !== '') ra.group = a.apiGroup;
    if (a.apiVersion !== '') ra.version = a.apiVersion;
    if (a.resource !== '') ra.resource = a.resource;
    if (a.subresource !== '') ra.subresource = a.subresource;
    if (a.name !== '') ra.name = a.name;
    if (a.fieldSelector?.length) ra.fieldSelector = { requirements: a.fieldSelector };
    if (a.labelSelector?.length) ra.labelSelector = { requirements: a.labelSelector };
    spec.resourceAttributes = ra;
  } else {
    spec.nonResourceAttributes = { path: a.path, verb: a.verb };
  }
  return spec;
}

export interface ReviewCacheOptions {
  authorizedTTLSeconds: number;
  unauthorizedTTLSeconds: number;
}

export function subjectAccessReviewAuthorizer(review: SubjectAccessReviewer, opts: ReviewCacheOptions, metrics?: Metrics): Authorizer {
  const cache = new LRUCache<string, Authorization>({ max: 8192, ttl: 1000, ttlAutopurge: false });
  const inFlight = new Map<string, Promise<Authorization>>();
  return {
    async authorize(attrs) {
      const spec = reviewSpec(attrs);
      const key = JSON.stringify(spec);
      const cached = cache.get(key);
      if (cached) {
        metrics?.authzCache.inc(['hit']);
        return cached;
      }
      let pending = inFlight.get(key);
      metrics?.authzCache.inc([pending ? 'shared' : 'miss']);
      if (!pending) {
        const call = (): Promise<SubjectAccessReviewStatus> => review(spec);
        pending = (metrics ? metrics.timeReview(metrics.authzRequests, metrics.authzDuration, call) : call())
          .then((status) => {
            // Denied wins over allowed when a reviewer says both.
            const decision: Authorization = status.denied
              ? { decision: 'Deny', reason: status.reason ?? '' }
              : status.allowed
                ? { decision: 'Allow', reason: status.reason ?? '' }
                : { decision: 'NoOpinion', reason: status.reason ?? '' };
            // Upstream caches nothing for very large attributes; the key length is our measure of that.
            if (key.length < 10_000) {
              const ttl = (decision.decision === 'Allow' ? opts.authorizedTTLSeconds : opts.unauthorizedTTLSeconds) * 1000;
              if (ttl > 0) cache.set(key, decision, { ttl });
            }
            return decision;
          })
          .finally(() => inFlight.delete(key));
        inFlight.set(key, pending);
      }
      return pending;
    },
  };
}
