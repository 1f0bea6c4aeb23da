import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createCA, createCertificate } from '../server/certificates/index.js';
import type { APIService } from './apiservices.js';
import type { Backend } from './backend.js';
import { parseBundle } from '../authentication/x509.js';
import { certificateChecks, chainsTo } from './serving-certificate.js';

const DAY = 86_400_000;
const DNS = 'api.team.svc';

const apiService = (name: string, caPem: string, extra: Partial<APIService['spec']> = {}): APIService => ({
  metadata: { name },
  spec: {
    group: 'wardle.example.com',
    version: 'v1',
    service: { namespace: 'team', name: 'api' },
    caBundle: Buffer.from(caPem).toString('base64'),
    ...extra,
  },
});

const backend = (apiServices: APIService[]): Backend => ({
  namespace: 'team',
  name: 'api',
  apiServices,
  service: { spec: { type: 'ClusterIP', ports: [{ name: 'https', port: 443 }] } },
  workload: undefined,
  pods: [],
  endpoints: new Map(),
});

describe('serving certificate checks', async () => {
  const ca = await createCA({ commonName: 'serving-ca' });
  const other = await createCA({ commonName: 'other-ca' });
  const leaf = async (dnsNames = [DNS], validity: { notBefore?: Date; notAfter?: Date } = {}) =>
    new X509Certificate((await createCertificate(ca, { commonName: DNS, dnsNames, usage: 'serverAuth', ...validity })).cert);

  it('chains a leaf to the CA that signed it, not to another', async () => {
    const l = await leaf();
    expect(chainsTo([l], parseBundle(ca.cert))).toBe(true);
    expect(chainsTo([l], parseBundle(other.cert))).toBe(false);
    expect(chainsTo([l], parseBundle(other.cert + ca.cert))).toBe(true);
    expect(chainsTo([l], [])).toBe(false);
  });

  it('passes a valid certificate that names the Service and chains to the caBundle', async () => {
    const checks = certificateChecks(backend([apiService('v1.g', ca.cert)]), { chain: [await leaf()], source: '10.0.0.5:8443' });
    expect(checks.map((c) => c.outcome)).toEqual(['ok', 'ok', 'ok']);
  });

  it.each([
    ['expired', { notBefore: new Date(Date.now() - 3 * DAY), notAfter: new Date(Date.now() - DAY) }, 'fail', /expired on/],
    ['not yet valid', { notBefore: new Date(Date.now() + DAY), notAfter: new Date(Date.now() + 3 * DAY) }, 'fail', /not valid before/],
    ['expiring in 10 days', { notAfter: new Date(Date.now() + 10 * DAY + 60_000) }, 'warn', /expires in 10 days/],
  ] as const)('%s', async (_, validity, outcome, message) => {
    const [dates] = certificateChecks(backend([apiService('v1.g', ca.cert)]), { chain: [await leaf([DNS], validity)], source: 's' });
    expect(dates).toMatchObject({ outcome, message: expect.stringMatching(message), fix: expect.stringContaining(`DNS:${DNS}`) });
  });

  it('fails a certificate without the Service name, listing the names it has', async () => {
    const [, name] = certificateChecks(backend([apiService('v1.g', ca.cert)]), { chain: [await leaf(['other.example.com'])], source: 's' });
    expect(name).toMatchObject({ outcome: 'fail', message: expect.stringMatching(/does not name api\.team\.svc.*other\.example\.com/) });
  });

  it('fails a caBundle of another CA, with a patch from the Secret’s ca.crt when that CA signed the certificate', async () => {
    const secret = { metadata: { name: 'api-tls' }, data: { 'ca.crt': Buffer.from(ca.cert).toString('base64') } };
    const checks = certificateChecks(backend([apiService('v1.g', other.cert), apiService('v2.g', '')]), {
      chain: [await leaf()],
      source: 's',
      secret,
    });
    const [wrong, empty] = checks.slice(2);
    expect(wrong).toMatchObject({ outcome: 'fail', subject: 'apiservice/v1.g', message: expect.stringContaining('other-ca') });
    expect(wrong?.fix).toBe(
      `kubectl patch apiservice v1.g --type=merge -p "{\\"spec\\":{\\"caBundle\\":\\"$(kubectl get secret api-tls -n team -o jsonpath='{.data.ca\\.crt}')\\"}}"`,
    );
    expect(empty).toMatchObject({ outcome: 'fail', message: expect.stringContaining('caBundle is empty') });
  });

  it('warns of insecureSkipTLSVerify instead of checking a chain', async () => {
    const checks = certificateChecks(backend([apiService('v1.g', '', { insecureSkipTLSVerify: true })]), {
      chain: [await leaf()],
      source: 's',
    });
    expect(checks[2]).toMatchObject({ outcome: 'warn', message: expect.stringContaining('does not verify') });
  });
});
