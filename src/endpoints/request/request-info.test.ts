import { describe, expect, it } from 'vitest';
import { newRequestInfo } from './request-info.js';

// Cases from upstream's requestinfo_test.go, for the shapes this server serves.
describe('newRequestInfo', () => {
  it.each([
    ['GET', '/api/v1/namespaces', 'list', 'api', '', 'v1', '', 'namespaces', '', ''],
    ['GET', '/api/v1/namespaces/other', 'get', 'api', '', 'v1', 'other', 'namespaces', '', 'other'],
    ['GET', '/api/v1/namespaces/other/pods/foo', 'get', 'api', '', 'v1', 'other', 'pods', '', 'foo'],
    ['GET', '/api/v1/pods', 'list', 'api', '', 'v1', '', 'pods', '', ''],
    ['HEAD', '/api/v1/namespaces/other/pods/foo', 'get', 'api', '', 'v1', 'other', 'pods', '', 'foo'],
    ['GET', '/api/v1/namespaces/other/pods?watch=true', 'watch', 'api', '', 'v1', 'other', 'pods', '', ''],
    ['GET', '/api/v1/namespaces/other/pods', 'list', 'api', '', 'v1', 'other', 'pods', '', ''],
    ['GET', '/api/v1/watch/namespaces/other/pods', 'watch', 'api', '', 'v1', 'other', 'pods', '', ''],
    [
      'GET',
      '/apis/wardle.example.com/v1alpha1/namespaces/ns/flunders?watch=1&fieldSelector=metadata.name%3Dx',
      'watch',
      'apis',
      'wardle.example.com',
      'v1alpha1',
      'ns',
      'flunders',
      '',
      'x',
    ],
    [
      'POST',
      '/apis/wardle.example.com/v1alpha1/namespaces/ns/flunders',
      'create',
      'apis',
      'wardle.example.com',
      'v1alpha1',
      'ns',
      'flunders',
      '',
      '',
    ],
    [
      'PUT',
      '/apis/wardle.example.com/v1alpha1/namespaces/ns/flunders/a/status',
      'update',
      'apis',
      'wardle.example.com',
      'v1alpha1',
      'ns',
      'flunders',
      'status',
      'a',
    ],
    ['PATCH', '/apis/wardle.example.com/v1alpha1/fischers/f', 'patch', 'apis', 'wardle.example.com', 'v1alpha1', '', 'fischers', '', 'f'],
    [
      'DELETE',
      '/apis/wardle.example.com/v1alpha1/namespaces/ns/flunders/a',
      'delete',
      'apis',
      'wardle.example.com',
      'v1alpha1',
      'ns',
      'flunders',
      '',
      'a',
    ],
    [
      'DELETE',
      '/apis/wardle.example.com/v1alpha1/namespaces/ns/flunders',
      'deletecollection',
      'apis',
      'wardle.example.com',
      'v1alpha1',
      'ns',
      'flunders',
      '',
      '',
    ],
    ['PUT', '/api/v1/namespaces/other/finalize', 'update', 'api', '', 'v1', 'other', 'namespaces', 'finalize', 'other'],
  ])('%s %s', (method, url, verb, prefix, group, version, namespace, resource, subresource, name) => {
    expect(newRequestInfo(method, url)).toMatchObject({
      isResourceRequest: true,
      verb,
      apiPrefix: prefix,
      apiGroup: group,
      apiVersion: version,
      namespace,
      resource,
      subresource,
      name,
    });
  });

  it.each([
    ['GET', '/healthz', 'get'],
    ['GET', '/apis', 'get'],
    ['GET', '/apis/wardle.example.com', 'get'],
    ['POST', '/openapi/v2', 'post'],
    ['GET', '/version', 'get'],
  ])('%s %s is a non-resource request', (method, url, verb) => {
    expect(newRequestInfo(method, url)).toMatchObject({ isResourceRequest: false, verb });
  });
});
