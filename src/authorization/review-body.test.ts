import { describe, expect, it } from 'vitest';
import { newRequestInfo } from '../endpoints/request/request-info.js';
import { attributesOf } from './authorizer.js';
import { withSelectors } from './filter.js';
import { reviewSpec } from './subject-access-review.js';

const user = { name: 'alice', uid: 'u-1', groups: ['dev'], extra: { scopes: ['a'] } };
const base = '/apis/wardle.example.com/v1alpha1';
const g = { group: 'wardle.example.com', version: 'v1alpha1' };

describe('the SubjectAccessReview sent for a request', () => {
  it.each([
    ['GET', `${base}/namespaces/ns/flunders/f`, { namespace: 'ns', verb: 'get', ...g, resource: 'flunders', name: 'f' }],
    ['GET', `${base}/namespaces/ns/flunders`, { namespace: 'ns', verb: 'list', ...g, resource: 'flunders' }],
    ['GET', `${base}/namespaces/ns/flunders?watch=yes`, { namespace: 'ns', verb: 'watch', ...g, resource: 'flunders' }],
    ['GET', `${base}/namespaces/ns/flunders?watch=false`, { namespace: 'ns', verb: 'list', ...g, resource: 'flunders' }],
    [
      'GET',
      `${base}/namespaces/ns/flunders?watch=1&fieldSelector=metadata.name%3Df`,
      {
        namespace: 'ns',
        verb: 'watch',
        ...g,
        resource: 'flunders',
        name: 'f',
        fieldSelector: { requirements: [{ key: 'metadata.name', operator: 'In', values: ['f'] }] },
      },
    ],
    [
      'GET',
      `${base}/flunders?labelSelector=${encodeURIComponent('app=web,tier notin (db),!legacy,ready')}`,
      {
        verb: 'list',
        ...g,
        resource: 'flunders',
        labelSelector: {
          requirements: [
            { key: 'app', operator: 'In', values: ['web'] },
            { key: 'tier', operator: 'NotIn', values: ['db'] },
            { key: 'legacy', operator: 'DoesNotExist' },
            { key: 'ready', operator: 'Exists' },
          ],
        },
      },
    ],
    ['POST', `${base}/namespaces/ns/flunders`, { namespace: 'ns', verb: 'create', ...g, resource: 'flunders' }],
    ['PUT', `${base}/namespaces/ns/flunders/f`, { namespace: 'ns', verb: 'update', ...g, resource: 'flunders', name: 'f' }],
    [
      'PATCH',
      `${base}/namespaces/ns/flunders/f/status`,
      { namespace: 'ns', verb: 'patch', ...g, resource: 'flunders', subresource: 'status', name: 'f' },
    ],
    ['DELETE', `${base}/namespaces/ns/flunders/f`, { namespace: 'ns', verb: 'delete', ...g, resource: 'flunders', name: 'f' }],
    [
      'DELETE',
      `${base}/namespaces/ns/flunders?labelSelector=a%3Db`,
      {
        namespace: 'ns',
        verb: 'deletecollection',
        ...g,
        resource: 'flunders',
        labelSelector: { requirements: [{ key: 'a', operator: 'In', values: ['b'] }] },
      },
    ],
    ['GET', `${base}/fischers/x`, { verb: 'get', ...g, resource: 'fischers', name: 'x' }],
    ['OPTIONS', `${base}/fischers/x`, { ...g, resource: 'fischers', name: 'x' }],
  ])('%s %s', (method, url, resourceAttributes) => {
    const spec = reviewSpec(withSelectors(attributesOf(user, newRequestInfo(method, url)), url));
    expect(spec).toEqual({ user: 'alice', uid: 'u-1', groups: ['dev'], extra: { scopes: ['a'] }, resourceAttributes });
  });

  it('describes a non-resource request by path and lowercase method', () => {
    const spec = reviewSpec(attributesOf(user, newRequestInfo('GET', '/openapi/v3?x=1')));
    expect(spec.nonResourceAttributes).toEqual({ path: '/openapi/v3', verb: 'get' });
    expect(spec.resourceAttributes).toBeUndefined();
  });

  it('leaves out a selector that does not parse (the list itself answers 400)', () => {
    const url = `${base}/flunders?labelSelector=${encodeURIComponent('a in (')}`;
    expect(
      reviewSpec(withSelectors(attributesOf(user, newRequestInfo('GET', url)), url)).resourceAttributes?.labelSelector,
    ).toBeUndefined();
  });
});
