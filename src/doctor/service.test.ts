import { describe, expect, it } from 'vitest';
import type { APIService } from './apiservices.js';
import type { Backend } from './backend.js';
import type { Cluster } from '../server/cluster-client.js';
import { formatText, reportOf } from './report.js';
import { discoveryCheck, kubectlDiscoveryCache } from './server-view.js';
import { serviceChecks } from './service.js';

const apiService = (port?: number): APIService => ({
  metadata: { name: 'v1.wardle.example.com' },
  spec: { group: 'wardle.example.com', version: 'v1', service: { namespace: 'ns', name: 'api', ...(port ? { port } : {}) } },
});

const statefulSet = {
  kind: 'StatefulSet',
  metadata: { name: 'api' },
  spec: { selector: { matchLabels: { app: 'api' } }, template: { metadata: { labels: { app: 'api', tier: 'x' } } } },
};

const backend = (spec: Record<string, unknown>, extra: Partial<Backend> = {}): Backend => ({
  namespace: 'ns',
  name: 'api',
  apiServices: [apiService()],
  service: { spec },
  workload: statefulSet,
  pods: [],
  endpoints: new Map(),
  ...extra,
});

describe('service checks', () => {
  it('passes a Service with the port and a ready endpoint', () => {
    const b = backend(
      { type: 'ClusterIP', selector: { app: 'api' }, ports: [{ name: 'https', port: 443 }] },
      { endpoints: new Map([['https', [{ address: '10.0.0.5', port: 8443 }]]]) },
    );
    expect(serviceChecks(b).map((c) => [c.check, c.outcome])).toEqual([
      ['service', 'ok'],
      ['endpoints', 'ok'],
    ]);
  });

  it('fails a missing port with a patch to the only port the Service has', () => {
    const b = backend({ selector: { app: 'api' }, ports: [{ name: 'https', port: 443 }] }, { apiServices: [apiService(8443)] });
    expect(serviceChecks(b)[0]).toMatchObject({
      outcome: 'fail',
      message: expect.stringContaining('has no port 8443'),
      fix: `kubectl patch apiservice v1.wardle.example.com --type=merge -p '{"spec":{"service":{"port":443}}}'`,
    });
  });

  it('does not check ports of an ExternalName Service, which the aggregator dials at the APIService port', () => {
    const b = backend({ type: 'ExternalName', externalName: '127.0.0.1', ports: [{ port: 443 }] }, { apiServices: [apiService(8443)] });
    expect(serviceChecks(b).map((c) => c.outcome)).toEqual(['ok', 'ok']);
  });

  it('fails a headless Service', () => {
    expect(serviceChecks(backend({ clusterIP: 'None', selector: { app: 'api' }, ports: [{ port: 443 }] }))[0]).toMatchObject({
      outcome: 'fail',
      message: expect.stringContaining('headless'),
    });
  });

  it('fails a selector that matches no pod with a patch to the workload’s own selector', () => {
    const [, endpoints] = serviceChecks(backend({ selector: { app: 'typo' }, ports: [{ name: 'https', port: 443 }] }));
    expect(endpoints).toMatchObject({
      outcome: 'fail',
      message: expect.stringContaining('matches no pod, and not the pod template of statefulset/api'),
      fix: `kubectl patch service api -n ns --type=json -p '[{"op":"replace","path":"/spec/selector","value":{"app":"api"}}]'`,
    });
  });

  it('explains pods that match but are not ready', () => {
    const pod = {
      metadata: { name: 'api-0' },
      status: {
        phase: 'Running',
        containerStatuses: [{ state: { waiting: { reason: 'CrashLoopBackOff' } } }],
        conditions: [{ type: 'Ready', status: 'False' }],
      },
    };
    const [, endpoints] = serviceChecks(backend({ selector: { app: 'api' }, ports: [{ name: 'https', port: 443 }] }, { pods: [pod] }));
    expect(endpoints).toMatchObject({
      outcome: 'fail',
      message: expect.stringContaining('api-0: Running, CrashLoopBackOff, not ready'),
      fix: expect.stringContaining('kubectl logs -n ns api-0'),
    });
  });

  it('fails a missing Service', () => {
    expect(serviceChecks(backend({}, { service: undefined }))[0]).toMatchObject({
      outcome: 'fail',
      message: expect.stringContaining('does not exist'),
    });
  });
});

describe('report', () => {
  it('is healthy with warnings, unhealthy with a failure, and prints fixes under their line', () => {
    const warnOnly = reportOf([{ check: 'certificate', subject: 's', outcome: 'warn', message: 'expires in 3 days', fix: 'renew' }]);
    expect(warnOnly.healthy).toBe(true);
    expect(formatText(warnOnly)).toBe('WARN  certificate     s: expires in 3 days\n      fix: renew\nhealthy (1 warnings)\n');
    expect(reportOf([{ check: 'rbac', subject: 's', outcome: 'fail', message: 'm' }]).healthy).toBe(false);
  });
});

describe("kubectl's discovery cache", () => {
  it('is named for the server as kubectl names it', () => {
    expect(kubectlDiscoveryCache('https://127.0.0.1:6443', { KUBECACHEDIR: '/c' })).toBe('/c/discovery/127.0.0.1_6443');
    expect(kubectlDiscoveryCache('https://api.example.com', { KUBECACHEDIR: '/c' })).toBe('/c/discovery/api.example.com');
  });
});

describe('discovery through the aggregator', () => {
  const a = (message?: string): APIService => ({
    ...apiService(),
    status: { conditions: [{ type: 'Available', status: message ? 'False' : 'True', reason: 'FailedDiscoveryCheck', message }] },
  });
  const cluster = (status: number, body: unknown) =>
    ({ get: async () => ({ status, body, text: JSON.stringify(body) }) }) as unknown as Cluster;
  const b = backend({ ports: [{ port: 443 }] });

  it.each([
    ['a 401', cluster(401, { message: 'Unauthorized' }), a()],
    ['a 403 for system:anonymous', cluster(403, { message: 'User "system:anonymous" cannot get path' }), a()],
    [
      'the 503 of an APIService whose own check got 401',
      cluster(503, { message: 'service unavailable' }),
      a('failing or missing response from https://x/apis/g/v1: bad status from https://x/apis/g/v1: 401'),
    ],
  ])('names the front-proxy trust for %s, with a restart of the workload', async (_, c, svc) => {
    const { check } = await discoveryCheck(c, svc, b);
    expect(check).toMatchObject({
      outcome: 'fail',
      message: expect.stringContaining("does not trust the aggregator's front-proxy client certificate"),
    });
    expect(check.fix).toContain('kubectl rollout restart statefulset/api -n ns');
  });

  it('lists the resources served, and only warns of a 403 for the caller’s own user', async () => {
    expect((await discoveryCheck(cluster(200, { resources: [{ name: 'flunders' }] }), a(), b)).resources).toEqual(['flunders']);
    expect((await discoveryCheck(cluster(403, { message: 'User "bob" cannot get path' }), a(), b)).check.outcome).toBe('warn');
  });
});
