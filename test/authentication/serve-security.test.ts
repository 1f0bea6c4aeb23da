/**
 * `serve`'s delegated security over real TLS with certificates made here. The kube-apiserver's part
 * (the trust ConfigMap, TokenReview, SubjectAccessReview) is a small HTTPS server in the test; the real
 * kube-apiserver judges the same flow in the end-to-end suite.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startServe } from '../../src/cmd/serve.js';
import type { APIServer } from '../../src/server/server.js';
import { createCA, createCertificate, type CertificateAuthority, type KeyPairPem } from '../../src/server/certificates/index.js';
import { call, type ClientIdentity } from '../support/client.js';
import { serveOptions, tempDir } from '../support/local.js';

interface Review {
  kind: string;
  spec: Record<string, any>;
}

describe('serve: delegated authentication and authorization', () => {
  const dir = tempDir('serve-sec-');
  const reviews: Review[] = [];
  let fake: Server;
  let fakeUp = true;
  /** The kube-apiserver gone altogether: connections are cut without an answer. */
  let fakeGone = false;
  let server: APIServer;
  let url: string;
  let frontProxyCA: CertificateAuthority;
  let clientCA: CertificateAuthority;
  let frontProxy: KeyPairPem;
  let ca: string;
  let auditLog: string;
  const auditEvents = async (): Promise<any[]> => {
    const { readFileSync } = await import('node:fs');
    return readFileSync(auditLog, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
  };

  beforeAll(async () => {
    frontProxyCA = await createCA({ commonName: 'front-proxy-ca' });
    clientCA = await createCA({ commonName: 'client-ca' });
    frontProxy = await createCertificate(frontProxyCA, { commonName: 'front-proxy-client' });
    const apiCA = await createCA({ commonName: 'kube-ca' });
    const apiServing = await createCertificate(apiCA, { commonName: '127.0.0.1', ipAddresses: ['127.0.0.1'], usage: 'serverAuth' });
    fake = createServer({ cert: apiServing.cert, key: apiServing.key }, (req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString();
      });
      req.on('end', () => {
        if (fakeGone) {
          req.socket.destroy();
          return;
        }
        if (!fakeUp) {
          res.writeHead(503).end();
          return;
        }
        res.setHeader('content-type', 'application/json');
        if (req.method === 'GET' && req.url?.startsWith('/api/v1/namespaces/kube-system/configmaps/extension-apiserver-authentication')) {
          res.end(
            JSON.stringify({
              apiVersion: 'v1',
              kind: 'ConfigMap',
              metadata: { name: 'extension-apiserver-authentication', namespace: 'kube-system' },
              data: {
                'client-ca-file': clientCA.cert,
                'requestheader-client-ca-file': frontProxyCA.cert,
                'requestheader-allowed-names': '["front-proxy-client"]',
                'requestheader-username-headers': '["X-Remote-User"]',
                'requestheader-group-headers': '["X-Remote-Group"]',
                'requestheader-extra-headers-prefix': '["X-Remote-Extra-"]',
              },
            }),
          );
          return;
        }
        // The namespaces admission watches: `default` exists; a watch stays open with nothing to say.
        const namespaces = /^\/api\/v1\/namespaces(\/([^/?]+))?(\?|$)/.exec(req.url ?? '');
        if (req.method === 'GET' && namespaces) {
          const ns = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name }, status: { phase: 'Active' } });
          if (namespaces[2]) {
            if (namespaces[2] === 'default') res.end(JSON.stringify(ns('default')));
            else
              res
                .writeHead(404)
                .end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 }));
          } else if (/[?&]watch=(true|1)/.test(req.url ?? '')) res.writeHead(200);
          else
            res.end(
              JSON.stringify({ apiVersion: 'v1', kind: 'NamespaceList', metadata: { resourceVersion: '1' }, items: [ns('default')] }),
            );
          return;
        }
        // The webhook configurations and admission policies the admission plugins watch: none.
        const admission = /^\/apis\/admissionregistration\.k8s\.io\/v1\/([a-z]+)(\?|$)/.exec(req.url ?? '');
        if (req.method === 'GET' && admission) {
          if (/[?&]watch=(true|1)/.test(req.url ?? '')) res.writeHead(200);
          else
            res.end(
              JSON.stringify({
                apiVersion: 'admissionregistration.k8s.io/v1',
                kind: 'List',
                metadata: { resourceVersion: '1' },
                items: [],
              }),
            );
          return;
        }
        const review = JSON.parse(body || '{}') as Review;
        reviews.push(review);
        if (req.url?.startsWith('/apis/authentication.k8s.io/v1/tokenreviews')) {
          const ok = review.spec.token === 'good-token';
          res.end(
            JSON.stringify({
              ...review,
              status: ok ? { authenticated: true, user: { username: 'tina', groups: ['token-users'] } } : { authenticated: false },
            }),
          );
          return;
        }
        if (req.url?.startsWith('/apis/authorization.k8s.io/v1/subjectaccessreviews')) {
          const allowed = ['alice', 'tina', 'carol'].includes(review.spec.user) && review.spec.resourceAttributes?.verb !== 'delete';
          res.end(JSON.stringify({ ...review, status: { allowed, ...(allowed ? {} : { reason: 'no RBAC policy matched' }) } }));
          return;
        }
        res.writeHead(404).end('{}');
      });
    });
    await new Promise<void>((r) => fake.listen(0, '127.0.0.1', () => r()));
    const port = (fake.address() as { port: number }).port;
    const kubeconfig = join(dir.path, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        'current-context': 'x',
        clusters: [
          {
            name: 'c',
            cluster: { server: `https://127.0.0.1:${port}`, 'certificate-authority-data': Buffer.from(apiCA.cert).toString('base64') },
          },
        ],
        users: [{ name: 'u', user: { token: 'server-token' } }],
        contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
      }),
    );
    const policy = join(dir.path, 'audit-policy.yaml');
    writeFileSync(
      policy,
      `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [ResponseStarted]
rules:
  - level: None
    nonResourceURLs: ["/readyz", "/healthz", "/livez"]
  - level: RequestResponse
    resources:
      - group: wardle.example.com
        resources: [flunders, flunders/status]
  - level: Metadata
`,
    );
    auditLog = join(dir.path, 'audit', 'audit.log');
    server = await startServe(
      serveOptions(join(dir.path, 'data'), {
        kubeconfig,
        authenticationSkipLookup: false,
        auditPolicyFile: policy,
        auditLogPath: auditLog,
      }),
    );
    url = `https://127.0.0.1:${server.port()}`;
    const { readFileSync } = await import('node:fs');
    ca = readFileSync(join(dir.path, 'data', 'certs', 'apiserver.crt'), 'utf8');
  });
  afterAll(async () => {
    await server?.shutdown();
    fake?.closeAllConnections();
    fake?.close();
    dir.remove();
  });
  beforeEach(() => {
    reviews.length = 0;
  });

  const flunders = '/apis/wardle.example.com/v1alpha1/namespaces/default/flunders';
  const sars = (): Review[] => reviews.filter((r) => r.kind === 'SubjectAccessReview');
  const as = (pair: KeyPairPem | undefined): ClientIdentity => ({ ca, ...(pair ? { cert: pair.cert, key: pair.key } : {}) });

  it('believes the front proxy: user, repeated groups and decoded extras reach the SubjectAccessReview', async () => {
    const res = await call(url, as(frontProxy), 'GET', `${flunders}?limit=1`, undefined, {
      'X-Remote-User': 'alice',
      'X-Remote-Group': 'dev',
      'X-Remote-Extra-Acme.com%2Fproject': 'blue',
    });
    expect(res.status).toBe(200);
    expect(sars()[0]?.spec).toEqual({
      // system:authenticated added as upstream's AuthenticatedGroupAdder adds it.
      user: 'alice',
      groups: ['dev', 'system:authenticated'],
      extra: { 'acme.com/project': ['blue'] },
      resourceAttributes: { namespace: 'default', verb: 'list', group: 'wardle.example.com', version: 'v1alpha1', resource: 'flunders' },
    });
  });

  it('keeps repeated X-Remote-Group headers as separate groups', async () => {
    const { request } = await import('node:https');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(new URL(`${flunders}/x`, url), { ca, cert: frontProxy.cert, key: frontProxy.key, method: 'GET' }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.setHeader('X-Remote-User', 'alice');
      req.setHeader('X-Remote-Group', ['a, b', 'c']);
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(404);
    expect(sars()[0]?.spec.groups).toEqual(['a, b', 'c', 'system:authenticated']);
  });

  it('adds system:authenticated once: to a user named with no groups, not to one that has it', async () => {
    // The aggregator fetches /openapi/v2 as system:aggregator with no groups; RBAC lets system:authenticated read it.
    await call(url, as(frontProxy), 'GET', '/openapi/v2', undefined, { 'X-Remote-User': 'system:aggregator' });
    await call(url, as(frontProxy), 'GET', `${flunders}/y`, undefined, {
      'X-Remote-User': 'carol',
      'X-Remote-Group': 'system:authenticated',
    });
    expect(sars().map((r) => r.spec.groups)).toEqual([['system:authenticated'], ['system:authenticated']]);
  });

  it('does not believe X-Remote-User from a client-CA certificate: the certificate speaks for itself', async () => {
    const bob = await createCertificate(clientCA, { commonName: 'bob', organizations: ['staff'] });
    const res = await call(url, as(bob), 'GET', flunders, undefined, { 'X-Remote-User': 'alice' });
    expect(res.status).toBe(403);
    expect(sars().map((r) => r.spec.user)).toEqual(['bob']);
    expect(res.json.message).toBe(
      'flunders.wardle.example.com is forbidden: User "bob" cannot list resource "flunders" in API group "wardle.example.com" in the namespace "default": kubernetes.io/webhook: no RBAC policy matched',
    );
  });

  it('ignores identity headers without a client certificate', async () => {
    const res = await call(url, as(undefined), 'GET', flunders, undefined, {
      'X-Remote-User': 'alice',
      'X-Remote-Group': 'system:masters',
    });
    expect(res.status).toBe(403);
    expect(sars().map((r) => r.spec.user)).toEqual(['system:anonymous']);
  });

  it.each([
    ['a front-proxy-CA certificate with a CN that is not allowed', async () => createCertificate(frontProxyCA, { commonName: 'mallory' })],
    [
      'an expired front-proxy certificate',
      async () =>
        createCertificate(frontProxyCA, {
          commonName: 'front-proxy-client',
          notBefore: new Date(Date.now() - 2 * 86_400_000),
          notAfter: new Date(Date.now() - 86_400_000),
        }),
    ],
    [
      'a front-proxy certificate without client-auth usage',
      async () => createCertificate(frontProxyCA, { commonName: 'front-proxy-client', usage: 'serverAuth' }),
    ],
    ['a self-signed certificate with the allowed CN', async () => createCertificate(undefined, { commonName: 'front-proxy-client' })],
  ])('answers 401 to %s, and never asks about the claimed user', async (_name, make) => {
    const res = await call(url, as(await make()), 'GET', flunders, undefined, {
      'X-Remote-User': 'alice',
      'X-Remote-Group': 'system:masters',
    });
    expect(res.status).toBe(401);
    expect(res.json).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Unauthorized',
      reason: 'Unauthorized',
      code: 401,
    });
    expect(sars()).toEqual([]);
  });

  it('authenticates bearer tokens by TokenReview, cached', async () => {
    const first = await call(url, as(undefined), 'GET', flunders, undefined, { authorization: 'Bearer good-token' });
    const second = await call(url, as(undefined), 'GET', flunders, undefined, { authorization: 'Bearer good-token' });
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(reviews.filter((r) => r.kind === 'TokenReview')).toHaveLength(1);
    expect(sars()[0]?.spec.user).toBe('tina');
    const bad = await call(url, as(undefined), 'GET', flunders, undefined, { authorization: 'Bearer bad-token' });
    expect(bad.status).toBe(401);
  });

  it('builds the review for a subresource, a cluster-scoped resource and a non-resource path', async () => {
    const hdr = { 'X-Remote-User': 'carol' };
    await call(url, as(frontProxy), 'PUT', `${flunders}/f/status`, {}, hdr);
    await call(url, as(frontProxy), 'DELETE', '/apis/wardle.example.com/v1alpha1/fischers', undefined, hdr);
    await call(url, as(frontProxy), 'GET', '/openapi/v2', undefined, hdr);
    expect(sars().map((r) => r.spec.resourceAttributes ?? r.spec.nonResourceAttributes)).toEqual([
      {
        namespace: 'default',
        verb: 'update',
        group: 'wardle.example.com',
        version: 'v1alpha1',
        resource: 'flunders',
        subresource: 'status',
        name: 'f',
      },
      { verb: 'deletecollection', group: 'wardle.example.com', version: 'v1alpha1', resource: 'fischers' },
      { path: '/openapi/v2', verb: 'get' },
    ]);
  });

  it('lets health checks through without credentials or reviews', async () => {
    const res = await call(url, as(undefined), 'GET', '/readyz');
    expect(res.status).toBe(200);
    expect(sars()).toEqual([]);
  });

  it('audits by policy and stage with the original user, never the front proxy or a forged identity', async () => {
    const res = await call(
      url,
      as(frontProxy),
      'POST',
      flunders,
      { apiVersion: 'wardle.example.com/v1alpha1', kind: 'Flunder', metadata: { name: 'audited' }, spec: {} },
      { 'X-Remote-User': 'alice', 'Audit-ID': 'test-audit-id' },
    );
    expect(res.status).toBe(201);
    expect(res.headers['audit-id']).toBe('test-audit-id');
    await call(url, as(undefined), 'GET', '/readyz');
    const events = await auditEvents();
    const mine = events.filter((e) => e.auditID === 'test-audit-id');
    expect(mine.map((e) => e.stage)).toEqual(['RequestReceived', 'ResponseComplete']);
    expect(mine[1]).toMatchObject({
      level: 'RequestResponse',
      verb: 'create',
      user: { username: 'alice' },
      // The name comes from the object sent, as upstream's LogRequestObject completes objectRef.
      objectRef: { resource: 'flunders', namespace: 'default', name: 'audited', apiGroup: 'wardle.example.com', apiVersion: 'v1alpha1' },
      requestObject: { metadata: { name: 'audited' } },
      responseObject: { metadata: { name: 'audited' } },
      responseStatus: { code: 201 },
    });
    expect(events.map((e) => e.user.username)).not.toContain('front-proxy-client');
    expect(events.some((e) => e.requestURI === '/readyz')).toBe(false);
    // A watch stream completes when it ends.
    await call(url, as(frontProxy), 'GET', `${flunders}?watch=1&timeoutSeconds=1&resourceVersion=1`, undefined, {
      'X-Remote-User': 'alice',
      'Audit-ID': 'watch-audit-id',
    });
    await new Promise((r) => setTimeout(r, 100));
    const watch = (await auditEvents()).filter((e) => e.auditID === 'watch-audit-id');
    expect(watch.map((e) => `${e.stage} ${e.verb}`)).toEqual(['RequestReceived watch', 'ResponseComplete watch']);
    expect(watch[1].responseStatus).toEqual({ metadata: {}, code: 200 });
    // The forged requests of the earlier tests were audited as who they really were.
    const forged = events.filter((e) => e.responseStatus?.code === 403 && e.verb === 'list');
    expect(forged.map((e) => e.user.username)).toEqual(expect.arrayContaining(['bob', 'system:anonymous']));
    expect(forged.find((e) => e.user.username === 'bob')?.responseStatus).toMatchObject({ reason: 'Forbidden', status: 'Failure' });
  });

  it("serves Prometheus metrics with kube-apiserver's names, cache hits and review latency", async () => {
    const res = await call(url, as(frontProxy), 'GET', '/metrics', undefined, { 'X-Remote-User': 'alice' });
    expect(res.status).toBe(200);
    expect(res.text).toMatch(
      /apiserver_request_total\{verb="LIST",group="wardle.example.com",version="v1alpha1",resource="flunders",subresource="",scope="namespace",component="apiserver",code="200"\} \d+/,
    );
    expect(res.text).toMatch(/apiserver_request_duration_seconds_bucket\{/);
    expect(res.text).toMatch(/apiserver_authentication_token_cache_request_total\{status="hit"\} 1/);
    expect(res.text).toMatch(/apiserver_authorization_webhook_cache_request_total\{status="miss"\} \d+/);
    expect(res.text).toMatch(/apiserver_delegated_authz_request_duration_seconds_count\{code="200"\} \d+/);
    expect(res.text).toMatch(/apiserver_audit_event_total \d+/);
    expect(res.text).toMatch(/apiserver_request_total\{verb="WATCH",[^}]*code="200"\} 1/);
  });

  it('answers 500, never allows, when the reviewer cannot be asked', async () => {
    fakeUp = false;
    try {
      const res = await call(url, as(frontProxy), 'GET', `${flunders}/never-cached`, undefined, { 'X-Remote-User': 'dave' });
      expect(res.status).toBe(500);
    } finally {
      fakeUp = true;
    }
  });

  it('reports not ready while the kube-apiserver cannot be reached, and ready again once a review gets through', async () => {
    fakeGone = true;
    try {
      expect((await call(url, as(frontProxy), 'GET', `${flunders}/gone-1`, undefined, { 'X-Remote-User': 'erin' })).status).toBe(500);
      const ready = await call(url, as(undefined), 'GET', '/readyz?verbose');
      expect(ready.status).toBe(500);
      expect(ready.text).toContain('[-]delegation failed');
    } finally {
      fakeGone = false;
    }
    // The fake denies erin: an answer all the same, so the kube-apiserver is back.
    expect((await call(url, as(frontProxy), 'GET', `${flunders}/gone-2`, undefined, { 'X-Remote-User': 'erin' })).status).toBe(403);
    expect((await call(url, as(undefined), 'GET', '/readyz')).status).toBe(200);
  });

  // Last: it swaps the serving certificate under the other tests' feet, and puts the first one back.
  it("exports the notAfter of the serving certificate and of the cluster's CAs, and a rotated serving certificate's", async () => {
    const { readFileSync, renameSync } = await import('node:fs');
    const { X509Certificate } = await import('node:crypto');
    const notAfter = (pem: string): number => Date.parse(new X509Certificate(pem).validTo) / 1000;
    const expiry = async (trusting: string, certificate: string): Promise<number | undefined> => {
      const res = await call(url, { ...as(frontProxy), ca: trusting }, 'GET', '/metrics', undefined, { 'X-Remote-User': 'alice' });
      const m = new RegExp(`apiserver_certificate_expiration_timestamp_seconds\\{certificate="${certificate}"\\} (\\d+)`).exec(res.text);
      return m ? Number(m[1]) : undefined;
    };
    expect(await expiry(ca, 'serving')).toBe(notAfter(ca));
    expect(await expiry(ca, 'client-ca')).toBe(notAfter(clientCA.cert));
    expect(await expiry(ca, 'requestheader-client-ca')).toBe(notAfter(frontProxyCA.cert));
    const certs = join(dir.path, 'data', 'certs');
    const first = { cert: ca, key: readFileSync(join(certs, 'apiserver.key'), 'utf8') };
    const swap = (pair: KeyPairPem): void => {
      writeFileSync(join(certs, 'apiserver.key.tmp'), pair.key);
      writeFileSync(join(certs, 'apiserver.crt.tmp'), pair.cert);
      renameSync(join(certs, 'apiserver.key.tmp'), join(certs, 'apiserver.key'));
      renameSync(join(certs, 'apiserver.crt.tmp'), join(certs, 'apiserver.crt'));
    };
    const rotated = await createCertificate(undefined, {
      commonName: '127.0.0.1',
      ipAddresses: ['127.0.0.1'],
      usage: 'serverAuth',
      notAfter: new Date(Date.now() + 20 * 86_400_000),
    });
    swap(rotated);
    try {
      await expect.poll(() => expiry(rotated.cert, 'serving').catch(() => undefined), { timeout: 10_000 }).toBe(notAfter(rotated.cert));
    } finally {
      swap(first);
      await expect.poll(() => expiry(ca, 'serving').catch(() => undefined), { timeout: 10_000 }).toBe(notAfter(ca));
    }
  });
});

describe('serve without a kube-apiserver', () => {
  const dir = tempDir('serve-alone-');
  afterAll(() => dir.remove());

  it('refuses to start, says what to pass, and leaves no self-signed certificate behind', async () => {
    const saved = { host: process.env.KUBERNETES_SERVICE_HOST, port: process.env.KUBERNETES_SERVICE_PORT };
    delete process.env.KUBERNETES_SERVICE_HOST;
    delete process.env.KUBERNETES_SERVICE_PORT;
    try {
      const opts = serveOptions(join(dir.path, 'data'), { certDir: join(dir.path, 'apiserver.local.config', 'certificates') });
      await expect(startServe(opts)).rejects.toThrow(
        /no kube-apiserver to delegate authentication and authorization to: .*pass --kubeconfig/,
      );
      expect(existsSync(join(dir.path, 'apiserver.local.config'))).toBe(false);
    } finally {
      if (saved.host !== undefined) process.env.KUBERNETES_SERVICE_HOST = saved.host;
      if (saved.port !== undefined) process.env.KUBERNETES_SERVICE_PORT = saved.port;
    }
  });

  it('refuses to start when the kube-apiserver it is given does not answer', async () => {
    const kubeconfig = join(dir.path, 'nowhere.kubeconfig');
    writeFileSync(
      kubeconfig,
      `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:1", insecure-skip-tls-verify: true}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: c, context: {cluster: c, user: u}}]
current-context: c
`,
    );
    const opts = serveOptions(join(dir.path, 'data'), { kubeconfig, authenticationSkipLookup: true, certDir: join(dir.path, 'certs') });
    await expect(startServe(opts)).rejects.toThrow(/cannot reach the kube-apiserver at https:\/\/127.0.0.1:1/);
    expect(existsSync(join(dir.path, 'certs'))).toBe(false);
  });
});
