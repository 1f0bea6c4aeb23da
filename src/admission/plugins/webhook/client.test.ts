/** The webhook client's trust and addressing over real TLS: caBundle, service references and server names. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCA } from '../../../server/certificates/index.js';
import { defaultServiceResolver, PostError, postAdmissionReview, type ServiceResolver } from './client.js';
import { startWebhookServer, type WebhookServer } from './testing/webhook-server.js';

const review = { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: 'u' } };

describe('postAdmissionReview', () => {
  let server: WebhookServer;
  /** Dials every service on the test server, keeping the service's name for the certificate check. */
  let toServer: ServiceResolver;
  let otherCA: string;

  beforeAll(async () => {
    server = await startWebhookServer(['hook.webhooks.svc']);
    toServer = ({ namespace, name }) => ({ host: '127.0.0.1', port: server.port, servername: `${name}.${namespace}.svc` });
    otherCA = Buffer.from((await createCA({ commonName: 'other-ca' })).cert).toString('base64');
  });
  afterAll(() => server.close());

  it('posts to a URL, trusting its caBundle', async () => {
    const answer = await postAdmissionReview({ url: server.url('/u'), caBundle: server.caBundle }, review, 10, defaultServiceResolver);
    expect(answer).toMatchObject({ kind: 'AdmissionReview', response: { uid: 'u', allowed: true } });
    expect(server.received('/u')).toEqual([{ uid: 'u' }]);
  });

  it('refuses a serving certificate the caBundle did not sign', async () => {
    const err: any = await postAdmissionReview({ url: server.url('/u'), caBundle: otherCA }, review, 10, defaultServiceResolver).catch(
      (e: any) => e,
    );
    expect(err).toBeInstanceOf(PostError);
    expect(err.message).toBe(
      `Post "${server.url('/u')}?timeout=10s": tls: failed to verify certificate: x509: certificate signed by unknown authority`,
    );
  });

  it('trusts only the system roots without a caBundle', async () => {
    const err: any = await postAdmissionReview({ url: server.url('/u') }, review, 10, defaultServiceResolver).catch((e: any) => e);
    expect(err.message).toContain('certificate signed by unknown authority');
  });

  it('posts to a service at its path and port, where the resolver says, checking the service’s name', async () => {
    const seen: unknown[] = [];
    const resolve: ServiceResolver = (ref) => {
      seen.push(ref);
      return toServer(ref);
    };
    const config = { service: { namespace: 'webhooks', name: 'hook', path: '/svc', port: 8443 }, caBundle: server.caBundle };
    await postAdmissionReview(config, review, 10, resolve);
    expect(seen).toEqual([{ namespace: 'webhooks', name: 'hook', port: 8443 }]);
    expect(server.received('/svc')).toHaveLength(1);
  });

  it('refuses a service whose name the certificate does not carry', async () => {
    const config = { service: { namespace: 'webhooks', name: 'other', path: '/svc' }, caBundle: server.caBundle };
    const err: any = await postAdmissionReview(config, review, 10, toServer).catch((e: any) => e);
    expect(err.message).toBe(
      'Post "https://other.webhooks.svc:443/svc?timeout=10s": tls: failed to verify certificate: x509: certificate is valid for hook.webhooks.svc, not other.webhooks.svc',
    );
  });

  it('resolves a service to its cluster DNS name by default', () => {
    expect(defaultServiceResolver({ namespace: 'ns', name: 'svc', port: 443 })).toEqual({
      host: 'svc.ns.svc',
      port: 443,
      servername: 'svc.ns.svc',
    });
  });

  it('refuses a client config that names nowhere', async () => {
    await expect(postAdmissionReview({}, review, 10, defaultServiceResolver)).rejects.toThrow(
      'webhook configuration must have either service or URL',
    );
  });

  it('passes on the Status of an error answer', async () => {
    server.handle('/status', () => ({
      raw: { status: 422, body: JSON.stringify({ kind: 'Status', code: 422, reason: 'Invalid', message: 'bad review' }) },
    }));
    const err: any = await postAdmissionReview(
      { url: server.url('/status'), caBundle: server.caBundle },
      review,
      10,
      defaultServiceResolver,
    ).catch((e: any) => e);
    expect(err.message).toBe('bad review');
    expect(err.status.status).toMatchObject({ code: 422, reason: 'Invalid' });
  });
});
