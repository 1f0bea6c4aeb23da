import { describe, expect, it } from 'vitest';
import type { Attributes } from './authorizer.js';
import { type SubjectAccessReviewSpec, subjectAccessReviewAuthorizer } from './subject-access-review.js';

const attrs = (user: string): Attributes => ({
  user: { name: user, groups: ['g'], extra: {} },
  verb: 'get',
  isResourceRequest: true,
  path: '/apis/g/v1/things/a',
  namespace: 'ns',
  apiGroup: 'g',
  apiVersion: 'v1',
  resource: 'things',
  subresource: '',
  name: 'a',
});

describe('SubjectAccessReview authorizer', () => {
  it('caches allowed and denied answers for their own TTLs, and shares reviews in flight', async () => {
    const calls: SubjectAccessReviewSpec[] = [];
    const authz = subjectAccessReviewAuthorizer(
      async (spec) => {
        calls.push(spec);
        await new Promise((r) => setTimeout(r, 10));
        return spec.user === 'alice' ? { allowed: true } : { allowed: false, reason: 'nope' };
      },
      { authorizedTTLSeconds: 10, unauthorizedTTLSeconds: 0.2 },
    );
    const both = await Promise.all([authz.authorize(attrs('alice')), authz.authorize(attrs('alice'))]);
    expect(both.map((d) => d.decision)).toEqual(['Allow', 'Allow']);
    expect(calls).toHaveLength(1);
    expect(await authz.authorize(attrs('bob'))).toEqual({ decision: 'NoOpinion', reason: 'nope' });
    expect(await authz.authorize(attrs('bob'))).toEqual({ decision: 'NoOpinion', reason: 'nope' });
    expect(calls.map((c) => c.user)).toEqual(['alice', 'bob']);
    await new Promise((r) => setTimeout(r, 300));
    // bob's denial expired after 0.2 s; alice's allow still holds for 10 s.
    await Promise.all([authz.authorize(attrs('alice')), authz.authorize(attrs('bob'))]);
    expect(calls.map((c) => c.user)).toEqual(['alice', 'bob', 'bob']);
  });

  it('never turns a failed review into a decision', async () => {
    const authz = subjectAccessReviewAuthorizer(
      async () => {
        throw new Error('connection refused');
      },
      { authorizedTTLSeconds: 10, unauthorizedTTLSeconds: 10 },
    );
    await expect(authz.authorize(attrs('alice'))).rejects.toThrow('connection refused');
  });
});
