import { describe, expect, it } from 'vitest';
import type { Attributes } from './authorizer.js';
import { allowAuthenticated } from './always-allow.js';
import { newDelegatingAuthorizer } from './delegating.js';
import type { SubjectAccessReviewSpec } from './subject-access-review.js';

const attrs = (user: string, groups: string[], path: string, isResourceRequest: boolean): Attributes => ({
  user: { name: user, groups, extra: {} },
  verb: 'get',
  isResourceRequest,
  path,
  namespace: '',
  apiGroup: isResourceRequest ? 'g' : '',
  apiVersion: isResourceRequest ? 'v1' : '',
  resource: isResourceRequest ? 'things' : '',
  subresource: '',
  name: '',
});

describe('delegating authorizer', () => {
  const reviews: SubjectAccessReviewSpec[] = [];
  const authz = newDelegatingAuthorizer({
    alwaysAllowPaths: ['/healthz', '/readyz', '/livez'],
    decider: {
      review: async (spec) => {
        reviews.push(spec);
        return spec.user === 'alice' ? { allowed: true } : { allowed: false, reason: 'no RBAC policy matched' };
      },
      authorizedTTLSeconds: 0,
      unauthorizedTTLSeconds: 0,
    },
  });

  it.each([
    ['system:masters, with no review', attrs('root', ['system:masters'], '/apis/g/v1/things', true), 'Allow', 0],
    ['an always-allow path, with no review', attrs('system:anonymous', ['system:unauthenticated'], '/readyz', false), 'Allow', 0],
    ['anything else, by review: allowed', attrs('alice', [], '/apis/g/v1/things', true), 'Allow', 1],
    ['anything else, by review: not allowed', attrs('bob', [], '/metrics', false), 'NoOpinion', 1],
  ])('%s', async (_name, a, decision, reviewed) => {
    reviews.length = 0;
    expect((await authz.authorize(a)).decision).toBe(decision);
    expect(reviews).toHaveLength(reviewed);
  });

  it('names the review in the reasons of a NoOpinion', async () => {
    expect((await authz.authorize(attrs('bob', [], '/metrics', false))).reason).toBe('kubernetes.io/webhook: no RBAC policy matched');
  });

  it("asks local mode's own authorizer in the review's place", async () => {
    const local = newDelegatingAuthorizer({ alwaysAllowPaths: ['/livez'], decider: { name: 'local', authorizer: allowAuthenticated() } });
    expect((await local.authorize(attrs('admin', ['system:authenticated'], '/apis/g/v1/things', true))).decision).toBe('Allow');
    expect((await local.authorize(attrs('system:anonymous', ['system:unauthenticated'], '/apis/g/v1/things', true))).decision).toBe(
      'NoOpinion',
    );
    expect((await local.authorize(attrs('system:anonymous', ['system:unauthenticated'], '/livez', false))).decision).toBe('Allow');
  });
});
