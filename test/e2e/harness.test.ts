/** The end-to-end harness's own logic, checked without building or starting anything. */
import { describe, expect, it } from 'vitest';
import { stagingReplaces } from './components.js';
import { toLoopback } from './loopback.js';

describe('stagingReplaces', () => {
  it('maps every ./staging replace of k8s.io/kubernetes to the published v0.x.y module', () => {
    const goMod = `module k8s.io/kubernetes

require (
\tk8s.io/api v0.0.0
\tgo.etcd.io/etcd/client/v3 v3.7.0
)

replace (
\tk8s.io/api => ./staging/src/k8s.io/api
\tk8s.io/apiserver => ./staging/src/k8s.io/apiserver
\tk8s.io/kube-aggregator => ./staging/src/k8s.io/kube-aggregator
)
`;
    expect(stagingReplaces(goMod, 'v1.37.2')).toEqual([
      'k8s.io/api => k8s.io/api v0.37.2',
      'k8s.io/apiserver => k8s.io/apiserver v0.37.2',
      'k8s.io/kube-aggregator => k8s.io/kube-aggregator v0.37.2',
    ]);
  });

  it('fails loudly when the go.mod has no staging replaces (a changed layout must not build the wrong thing)', () => {
    expect(() => stagingReplaces('module k8s.io/kubernetes\n', 'v1.37.2')).toThrow(/no staging replace directives/);
  });
});

describe('toLoopback', () => {
  const service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'api', namespace: 'wardle' },
    spec: { type: 'ClusterIP', selector: { app: 'api' }, ports: [{ name: 'https', port: 443, targetPort: 'https', appProtocol: 'https' }] },
  };
  const apiService = {
    apiVersion: 'apiregistration.k8s.io/v1',
    kind: 'APIService',
    metadata: { name: 'v1alpha1.wardle.example.com' },
    spec: { group: 'wardle.example.com', version: 'v1alpha1', caBundle: 'Q0E=', service: { name: 'api', namespace: 'wardle', port: 443 } },
  };
  const other = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'api' } };

  it('turns the Service into an ExternalName for 127.0.0.1 and points APIServices at the port, leaving the rest', () => {
    const [svc, api, sa] = toLoopback([service, apiService, other], 40443);
    expect(svc).toEqual({
      ...service,
      spec: { type: 'ExternalName', externalName: '127.0.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP' }] },
    });
    expect(api).toEqual({ ...apiService, spec: { ...apiService.spec, service: { name: 'api', namespace: 'wardle', port: 40443 } } });
    expect(sa).toBe(other);
  });
});
